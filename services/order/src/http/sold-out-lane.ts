import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@shop/errors';
import { bearerOf, type Auth } from '@shop/auth';
import { leanReplier, routeLabel, type LeanLane } from '@shop/http';
import type { Logger } from '@shop/logger';
import { soldOutFromFlags, type SoldOutDeps } from '../domain/sold-out.js';
import type { Line } from '../domain/types.js';
import { IdempotencyKeySchema, PlaceOrderSchema } from './orders.schemas.js';

/** Larger bodies (and chunked ones) go the express way. */
const MAX_BODY = 8 * 1024;
const JSON_TYPE = /^application\/json(?:\s*;\s*charset="?utf-8"?)?$/i;
const LABEL = routeLabel(true, '/api/orders');

/**
 * The lines of a body PlaceOrderSchema accepts in its simplest form (items, maybe a payment
 * token, no address); undefined for anything else, which express validates and answers. The
 * schema is the one place for the rules, so the lane never takes a body express would refuse.
 */
export function simpleLines(body: unknown): Line[] | undefined {
  const parsed = PlaceOrderSchema.safeParse(body);
  if (!parsed.success || parsed.data.items === undefined || parsed.data.shippingAddress !== undefined) return undefined;
  return parsed.data.items;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY ? Buffer.concat(chunks, size) : undefined));
    req.on('error', () => resolve(undefined));
  });
}

export interface SoldOutLaneDeps {
  auth: Pick<Auth, 'verifyFromCopy'>;
  soldOut: SoldOutDeps;
  logger: Logger;
}

/**
 * `POST /api/orders` answered before express when the answer is "sold out" from this replica's
 * flags (domain/sold-out.ts): the caller's token checked against the replica's deny-list copy,
 * the body and key checked by the order schemas, the key looked up (marker, then a batched Postgres probe), no rate
 * limit (the answer costs less than the limiter's own Redis call), no log line. Whatever it
 * cannot answer that way it hands to express unchanged, body included, which answers as before.
 * Measured in load-tests/results/buy-path-profile.md.
 */
export function soldOutLane(deps: SoldOutLaneDeps): LeanLane {
  const replier = leanReplier(deps.logger);

  async function serve(req: IncomingMessage, res: ServerResponse, pass: () => void, key: string, token: string): Promise<void> {
    const started = performance.now();
    const raw = await readBody(req);
    if (raw === undefined) return void res.destroy();
    let text = raw.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    let body: unknown;
    try {
      body = JSON.parse(text);
      if (typeof body !== 'object' || body === null) throw new Error('strict JSON: an object or an array');
    } catch {
      // What express.json answers, before auth: the same code and message.
      replier.fail(req, res, new AppError('INVALID_JSON', 'Request body is not valid JSON'), replier.requestId(req), LABEL);
      return replier.observe(req, res, LABEL, started);
    }
    (req as IncomingMessage & { body?: unknown }).body = body;
    const lines = simpleLines(body);
    if (!lines) return pass();
    let productId: string | undefined;
    try {
      const claims = await deps.auth.verifyFromCopy(token);
      if (claims) productId = await soldOutFromFlags(deps.soldOut, claims.sub, key, lines);
    } catch {
      productId = undefined; // a bad token, Redis or Postgres away: the full path answers as it always did
    }
    if (productId === undefined) return pass();
    replier.fail(req, res, new AppError('OUT_OF_STOCK', 'Sold out', { details: { productId } }), replier.requestId(req), LABEL);
    replier.observe(req, res, LABEL, started);
  }

  return (req, res, pass) => {
    if (req.method !== 'POST' || req.url !== '/api/orders') return false;
    const h = req.headers;
    const key = h['idempotency-key'];
    if (typeof key !== 'string' || !IdempotencyKeySchema.safeParse(key).success || h['x-admission-token'] !== undefined) return false;
    if (typeof h['content-type'] !== 'string' || !JSON_TYPE.test(h['content-type'].trim())) return false;
    if (h['content-encoding'] !== undefined || h['transfer-encoding'] !== undefined) return false;
    const length = Number(h['content-length']);
    if (!(length > 0 && length <= MAX_BODY)) return false;
    let token: string | undefined;
    try {
      token = bearerOf(h.authorization);
    } catch {
      return false;
    }
    if (!token) return false;
    void serve(req, res, pass, key, token).catch((err: unknown) => {
      deps.logger.error({ err }, 'sold-out lane failed');
      if (!res.headersSent) res.destroy();
    });
    return true;
  };
}
