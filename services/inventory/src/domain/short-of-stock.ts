/** Thrown inside a savepoint to undo partial work when some line cannot be covered. */
export class ShortOfStock extends Error {
  constructor(readonly productIds: string[]) {
    super(`not enough stock for ${productIds.join(', ')}`);
    this.name = 'ShortOfStock';
  }
}

/**
 * An order names a product this service has no stock record for: its product.created.v1 has not
 * reached us (a lagging or broken consumer, a lost binding). That is not a sell-out; the order is
 * retried, then dead-lettered, and replayed once the record exists (`npm run dlq:replay`).
 */
export class UnknownProduct extends Error {
  constructor(readonly productIds: string[]) {
    super(`no stock record for ${productIds.join(', ')} (has its product.created.v1 reached inventory?)`);
    this.name = 'UnknownProduct';
  }
}
