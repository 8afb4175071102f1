import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@shop/errors';
import { bearerOf, type Auth } from '@shop/auth';
import { leanReplier, routeLabel, type LeanLane } from '@shop/http';
import type { Logger } from '@shop/logger';
import { soldOutFromFlags, type SoldOutDeps } from '../domain/sold-out.js';
import type { Line } from '../domain/types.js';
import { ORDER_LIMITS } from '../config.js';
import { PaymentTokens } from './orders.schemas.js';

/** Larger bodies (and chunked ones) go the express way. */
const MAX_BODY = 8 * 1024;
// The same rules as PlaceOrderSchema and IdempotencyKeySchema, for the one body shape answered here.
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const KEY = /^[!-~](?:[ -~]*[!-~])?$/;
const JSON_TYPE = /^application\/json(?:\s*;\s*charset="?utf-8"?)?$/i;
const TOKENS = new Set<unknown>(PaymentTokens);
const LABEL = routeLabel(true, '/api/orders');

/**
 * `{items: [{productId, quantity}, ...], paymentToken?}` that PlaceOrderSchema would accept,
 * checked by hand (no zod on this path); undefined for anything else, which express validates.
 */
export function simpleLines(body: unknown): Line[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  for (const name of Object.keys(fields)) if (name !== 'items' && name !== 'paymentToken') return undefined;
  if (fields.paymentToken !== undefined && !TOKENS.has(fields.paymentToken)) return undefined;
  const items = fields.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > ORDER_LIMITS.maxLines) return undefined;
  const seen = new Set<string>();
  for (const item of items as unknown[]) {
    if (typeof item !== 'object' || item === null || Array.isArray(item) || Object.keys(item).length !== 2) return undefined;
    const { productId, quantity } = item as Record<string, unknown>;
    if (typeof productId !== 'string' || !GUID.test(productId) || seen.has(productId)) return undefined;
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > ORDER_LIMITS.maxUnitsPerLine) return undefined;
    seen.add(productId);
  }
  return items as Line[];
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
 * the body checked by hand, the key looked up (marker, then a batched Postgres probe), no rate
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
    if (typeof key !== 'string' || key.length > 255 || !KEY.test(key) || h['x-admission-token'] !== undefined) return false;
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
