/**
 * What the order service needs from a card network. The simulator lives behind the same
 * interface as a real provider would.
 *
 * A timeout counts as a decline (PAYMENT_TIMEOUT). That is safe with the simulator, which
 * takes no money when it does not answer. A real provider needs more: send the orderId as
 * the provider's idempotency key, and after a timeout query the charge's status (or retry
 * with the same key) before deciding, because the money may have moved.
 */
export interface ChargeRequest {
  orderId: string;
  amount: number;
  currency: string;
  token: string;
}

/**
 * `pending`: the network has not decided and is waiting for the buyer (a 3-D Secure challenge,
 * say). Nothing is taken yet; the charge is asked again with the same orderId once its lease
 * ends, until it is decided or the order's time is up (then it is voided and the order expires).
 */
export type ChargeResult = { outcome: 'approved' } | { outcome: 'declined'; reason: string } | { outcome: 'pending'; reason: string };

export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

/** Asks the provider, answering declined/PAYMENT_TIMEOUT if it takes longer than `timeoutMs`. */
export async function chargeWithTimeout(provider: PaymentProvider, request: ChargeRequest, timeoutMs: number): Promise<ChargeResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ChargeResult>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'declined', reason: 'PAYMENT_TIMEOUT' }), timeoutMs);
  });
  try {
    return await Promise.race([provider.charge(request), timeout]);
  } catch {
    return { outcome: 'declined', reason: 'PAYMENT_ERROR' };
  } finally {
    clearTimeout(timer);
  }
}
