import { isAppError } from '@shop/errors';
import { FailFast } from '@shop/http';
import type { Logger } from '@shop/logger';

/** The peer failed (down, late, its own dependency down), as opposed to refusing the request. */
export const peerFailed = (err: unknown): boolean => !isAppError(err) || err.status >= 500;

/**
 * The breaker of one gRPC peer (`FailFast`, fault R11): after two failures in a row and an
 * unanswered probe, the peer is not called until a probe is answered. `probe` is one cheap
 * call whose refusal (a 4xx) counts as an answer.
 */
export function peerBreaker(name: string, logger: Logger, probe: () => Promise<unknown>): FailFast {
  return new FailFast({
    name,
    logger,
    probe: () =>
      probe().catch((err: unknown) => {
        if (peerFailed(err)) throw err;
      }),
  });
}
