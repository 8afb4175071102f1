/** Thrown inside a savepoint to undo partial work when some line cannot be covered. */
export class ShortOfStock extends Error {
  constructor(readonly productIds: string[]) {
    super(`not enough stock for ${productIds.join(', ')}`);
    this.name = 'ShortOfStock';
  }
}
