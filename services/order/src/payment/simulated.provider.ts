import type { ChargeRequest, ChargeResult, PaymentProvider } from '../domain/payment-provider.js';

/**
 * A card network for tests and demos, in the style of test card numbers:
 * tok_visa approves, tok_declined declines, tok_timeout answers too late, tok_pending waits for
 * a buyer who never completes the card's authentication (the charge stays pending, and the order
 * expires unpaid). No money moves, so an answer that arrives after the caller gave up changes nothing.
 */
export class SimulatedPaymentProvider implements PaymentProvider {
  constructor(private readonly slowMs: number) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    switch (request.token) {
      case 'tok_visa':
        return { outcome: 'approved' };
      case 'tok_timeout':
        await new Promise((r) => setTimeout(r, this.slowMs).unref());
        return { outcome: 'approved' };
      case 'tok_pending':
        return { outcome: 'pending', reason: 'AUTHENTICATION_REQUIRED' };
      default:
        return { outcome: 'declined', reason: 'CARD_DECLINED' };
    }
  }
}
