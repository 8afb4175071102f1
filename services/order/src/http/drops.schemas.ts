import { z } from 'zod';
import { queryInt } from '@shop/http';
import { DropStatuses, TicketStates } from '../domain/drop-types.js';

export const CreateDropSchema = z.strictObject({
  productId: z.guid(),
  opensAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
  admitPerSecond: z.number().int().min(1).max(10_000),
  holdSeconds: z.number().int().min(1).max(3_600),
}).meta({ id: 'CreateDrop' });

export const DropParamsSchema = z.strictObject({ id: z.guid() });

export const DropListQuerySchema = z.strictObject({
  limit: queryInt(1, 100).default(20),
  cursor: z.string().min(1).max(300).regex(/^[A-Za-z0-9_-]+$/, 'a nextCursor from a previous page').optional(),
});

export const DropSchema = z.object({
  id: z.uuid(),
  productId: z.uuid(),
  status: z.enum(DropStatuses),
  opensAt: z.iso.datetime(),
  admitPerSecond: z.int(),
  holdSeconds: z.int(),
  queueLength: z.int().describe('tickets still waiting'),
  admitted: z.int().describe('admissions so far'),
  unitsLeft: z.int().nullable().describe('units not yet in an order (approximate); null before the open'),
  activeHolds: z.int(),
  fairness: z.object({
    algorithm: z.string(),
    seedHash: z.string().describe('sha256(seed), hex: the commitment published at creation'),
    seed: z.string().nullable().describe('revealed once the drop opens'),
  }),
}).meta({ id: 'Drop' });

export const DropListSchema = z.object({ items: z.array(DropSchema), nextCursor: z.string().nullable() }).meta({ id: 'DropList' });

export const TicketSchema = z.object({
  ticketId: z.uuid(),
  state: z.enum(TicketStates),
  position: z.int().nullable().describe('1 = next; null before the open (the pre-queue is shuffled at the open)'),
  etaSeconds: z.int().nullable(),
  pollAfterMs: z.int().describe('poll again after this long; the server spreads the crowd'),
  longPoll: z
    .boolean()
    .describe('true: the ticket is far from the head; after pollAfterMs poll GET /api/drops/{id}/queue/me/wait, which answers when the drop sells out or closes, when your turn is near, or after about 10 s'),
  joinNo: z.int().describe('the order in which the server saw the joins'),
  preQueue: z.boolean(),
  admission: z
    .object({
      number: z.int(),
      quantity: z.int().describe('units held for you'),
      expiresAt: z.iso.datetime(),
      token: z.string().optional().describe('send as X-Admission-Token with POST /api/orders; single use'),
      used: z.boolean(),
    })
    .optional(),
}).meta({ id: 'Ticket' });

export const FairnessSchema = z.object({
  algorithm: z.string(),
  seedHash: z.string(),
  seed: z.string(),
  ticketListHash: z.string(),
  tickets: z.array(z.uuid()),
  order: z.array(z.uuid()),
}).meta({ id: 'Fairness' });
