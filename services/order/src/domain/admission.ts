import { AppError } from '@shop/errors';
import type { Logger } from '@shop/logger';
import type { AdmissionSigner, DropDirectory, DropQueue } from './drop-ports.js';
import type { AdmissionPass } from './drop-types.js';
import type { Caller, Line } from './types.js';

export interface AdmissionDeps {
  directory: DropDirectory;
  signer: AdmissionSigner;
  queue: DropQueue;
  logger: Logger;
}

/** A verified pass and the line it covers. */
export interface Admission {
  pass: AdmissionPass;
  line: Line;
}

const refuse = (dropId: string, why: string) =>
  new AppError('ADMISSION_REQUIRED', `This product is on a drop: order it with the admission token the queue gave you (${why})`, { details: { dropId } });

/**
 * Before any I/O: a line whose product has a live drop needs a valid admission token of this
 * buyer for that drop (signature, audience, expiry, subject, product). In memory only, so a
 * bot hammering the order route costs one signature check and nothing in Redis or Postgres.
 * Single use is enforced afterwards by `claimAdmission`.
 */
export async function verifyAdmission(deps: AdmissionDeps, caller: Caller, lines: Line[], token: string | undefined): Promise<Admission | undefined> {
  const gated = lines.flatMap((line) => {
    const dropId = deps.directory.dropForProduct(line.productId);
    return dropId ? [{ line, dropId }] : [];
  });
  if (gated.length === 0) return undefined;
  const [{ line, dropId }] = gated;
  if (gated.length > 1) throw refuse(dropId, 'one drop product per order');
  if (!token) throw refuse(dropId, 'no X-Admission-Token');
  const pass = await deps.signer.verify(token);
  if (!pass) throw refuse(dropId, 'the token is invalid or expired');
  if (pass.userId !== caller.id || pass.dropId !== dropId || pass.productId !== line.productId) throw refuse(dropId, 'the token is not yours or not for this drop');
  if (line.quantity > pass.quantity) {
    throw new AppError('PURCHASE_LIMIT_EXCEEDED', `Your admission holds ${pass.quantity} units of this product`, { details: { productId: line.productId, cap: pass.quantity } });
  }
  return { pass, line };
}

/** Takes the hold for this order (single use; the same idempotency key may take it again). */
export async function claimAdmission(deps: AdmissionDeps, admission: Admission, idempotencyKey: string): Promise<'ok' | 'same'> {
  const { pass } = admission;
  let outcome;
  try {
    outcome = await deps.queue.claim(pass.dropId, pass.userId, pass.holdNo, idempotencyKey);
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message }, 'drop queue unreachable while claiming a hold');
    throw AppError.unavailable('The drop queue');
  }
  if (outcome === 'ok' || outcome === 'same') return outcome;
  throw refuse(pass.dropId, outcome === 'used' ? 'the token was used already' : 'the hold has expired');
}

/** After commit: the order took `line.quantity` units; the rest of the hold goes back now. Never throws. */
export async function settleAdmission(deps: AdmissionDeps, admission: Admission): Promise<void> {
  const { pass, line } = admission;
  await deps.queue.settle(pass.dropId, pass.userId, pass.holdNo, line.quantity).catch((err: Error) => {
    // The hold's lease runs out and gives the units back; the gate still refuses to oversell.
    deps.logger.warn({ err: err.message, dropId: pass.dropId }, 'could not settle a drop hold');
  });
}

/** No order was created: the hold is the buyer's again. Never throws. */
export async function releaseAdmission(deps: AdmissionDeps, admission: Admission, idempotencyKey: string): Promise<void> {
  const { pass } = admission;
  await deps.queue.release(pass.dropId, pass.userId, pass.holdNo, idempotencyKey).catch((err: Error) => {
    deps.logger.warn({ err: err.message, dropId: pass.dropId }, 'could not release a drop hold');
  });
}
