import { defineRoute, edgeSentAt, errorResponse, type Request, type Response, type ResponseSpec, type Route } from '@shop/http';
import { AppError } from '@shop/errors';
import { z } from 'zod';
import { closeDrop, listDrops, queueTicket, readDrop, scheduleDrop, waitTicket, type DropDeps, type TicketView } from '../domain/drops.js';
import { fairnessRecord } from '../domain/open-drop.js';
import { callerOf } from './caller.js';
import { CreateDropSchema, DropListQuerySchema, DropListSchema, DropParamsSchema, DropSchema, FairnessSchema, TicketSchema } from './drops.schemas.js';

export interface DropRouteDeps {
  drops: DropDeps;
  jwks: () => Promise<unknown>;
}

const noDrop = errorResponse('NOT_FOUND: no such drop');
const notInQueue = errorResponse('NOT_FOUND (no drop) or NOT_IN_QUEUE');
const dropClosed = errorResponse('DROP_CLOSED: an admin closed the drop');
const Jwks = z.object({ keys: z.array(z.object({ kty: z.string() }).catchall(z.unknown())) }).meta({ id: 'Jwks' });

/** A route that answers with the caller's own ticket: on the lean lane, signed in, never cached. */
function ticketRoute(
  method: 'get' | 'post',
  path: string,
  summary: string,
  notFound: ResponseSpec,
  ticket: (drops: DropDeps, dropId: string, buyer: string, req: Request, res: Response) => Promise<TicketView>,
  held = false,
): Route<DropRouteDeps> {
  return defineRoute(
    {
      method,
      path,
      lean: true,
      held,
      summary,
      auth: 'signedIn',
      request: { params: DropParamsSchema },
      responses: { 200: { description: 'the ticket', schema: TicketSchema }, 404: notFound, 409: dropClosed },
    },
    async ({ req, res, params }, deps: DropRouteDeps) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return ticket(deps.drops, params.id, callerOf(req).id, req, res);
    },
  );
}

/** The waiting room. Joins and polls are one Redis script each and never touch Postgres. */
export const dropRoutes: Array<Route<DropRouteDeps>> = [
  defineRoute(
    {
      method: 'post',
      path: '/api/drops',
      summary: 'Schedule a drop for a product (admin); publishes the fairness commitment sha256(seed)',
      auth: 'admin',
      request: { body: CreateDropSchema },
      responses: { 201: { description: 'scheduled', schema: DropSchema }, 409: errorResponse('DROP_EXISTS: the product has a live drop') },
    },
    async ({ body, res }, deps: DropRouteDeps) => {
      const drop = await scheduleDrop(deps.drops, body);
      res.location(`/api/drops/${drop.id}`);
      return drop;
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/drops',
      summary: 'Every drop, newest first, with its live numbers (cursor-paginated); cached 1 s at the edge',
      auth: 'public',
      request: { query: DropListQuerySchema },
      responses: { 200: { description: 'one page', schema: DropListSchema }, 400: errorResponse('VALIDATION_FAILED: a cursor this list did not give') },
    },
    async ({ query, res }, deps: DropRouteDeps) => {
      res.setHeader('Cache-Control', 'public, max-age=1');
      return listDrops(deps.drops, query);
    },
  ),
  defineRoute(
    {
      method: 'post',
      path: '/api/drops/:id/close',
      summary: 'Close a drop (admin): admissions stop, waiting tickets read CLOSED, the product is no longer gated; closing again answers the same',
      auth: 'admin',
      request: { params: DropParamsSchema },
      responses: { 200: { description: 'the closed drop', schema: DropSchema }, 404: noDrop },
    },
    ({ params }, deps: DropRouteDeps) => closeDrop(deps.drops, params.id),
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/drops/jwks.json',
      summary: 'The public key of the admission tokens (EdDSA), so anyone can check a token offline',
      auth: 'public',
      responses: { 200: { description: 'a JWK set', schema: Jwks } },
    },
    async ({ res }, deps: DropRouteDeps) => {
      res.setHeader('Cache-Control', 'public, max-age=300');
      return deps.jwks();
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/drops/:id',
      summary: 'Status, queue length, admissions, units left and the commitment (seed once open); cached 1 s at the edge',
      auth: 'public',
      request: { params: DropParamsSchema },
      responses: { 200: { description: 'the drop', schema: DropSchema }, 404: noDrop },
    },
    async ({ params, res }, deps: DropRouteDeps) => {
      const drop = await readDrop(deps.drops, params.id);
      if (!drop) throw AppError.notFound('Drop');
      // The same answer for everyone: the edge micro-caches it for 1 s.
      res.setHeader('Cache-Control', 'public, max-age=1');
      return drop;
    },
  ),
  defineRoute(
    {
      method: 'get',
      path: '/api/drops/:id/fairness',
      summary: 'The revealed seed and the pre-queue before and after the shuffle, to recompute the order (docs/drops.md)',
      auth: 'public',
      request: { params: DropParamsSchema },
      responses: { 200: { description: 'the record', schema: FairnessSchema }, 404: noDrop, 409: errorResponse('DROP_NOT_OPEN') },
    },
    async ({ params, res }, deps: DropRouteDeps) => {
      const drop = await deps.drops.records.find(params.id);
      if (!drop) throw AppError.notFound('Drop');
      const record = await fairnessRecord(deps.drops.records, drop);
      if (!record) throw new AppError('DROP_NOT_OPEN', 'The seed and the pre-queue order are published at the open');
      res.setHeader('Cache-Control', 'public, max-age=60');
      return record;
    },
  ),
  ticketRoute('post', '/api/drops/:id/queue', "Join the queue: the buyer's one ticket (joining again returns the same ticket)", noDrop, (drops, id, buyer) =>
    queueTicket(drops, id, buyer, 'join'),
  ),
  ticketRoute('get', '/api/drops/:id/queue/me', "The caller's ticket: state, position, eta, when to poll again, and the admission once admitted", notInQueue, (drops, id, buyer) =>
    queueTicket(drops, id, buyer, 'poll'),
  ),
  ticketRoute(
    'get',
    '/api/drops/:id/queue/me/wait',
    'The held poll of a ticket far from the head (longPoll): answers when the drop sells out or closes, when the turn is near, or at most DROP_HELD_POLL_MS (10 s) after the edge sent it (X-Request-Start), below the edge read timeout',
    notInQueue,
    (drops, id, buyer, req, res) => {
      // The client went away: stop waiting for it.
      const gone = new AbortController();
      res.once('close', () => gone.abort());
      return waitTicket(drops, id, buyer, { sentAt: edgeSentAt(req), signal: gone.signal });
    },
    true,
  ),
];
