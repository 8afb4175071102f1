import type { Line } from '@shop/contracts';

/** What the cart's use cases need from storage; data/ implements it with knex. */

export interface Cart {
  id: string;
  /** null for a guest cart. */
  userId: string | null;
}

/** A cart line: so many units of one product (the shared Line shape). */
export type CartLine = Line;

export interface ProductSnapshot {
  id: string;
  name: string;
  price: number;
  currency: string;
  status: string;
  deleted: boolean;
  creatorId: string | null;
  /** The creator's copy, when the cart has one (null: no creator, or none heard of yet). */
  creator: CreatorSnapshot | null;
}

/** What a cart line shows of a product's creator. */
export interface CreatorSnapshot {
  id: string;
  name: string;
  slug: string;
}

export interface CartRepository {
  createGuest(id: string): Promise<Cart>;
  /** A guest cart used since `activeSince`; expired and user carts are not found. */
  findGuest(id: string, activeSince: Date): Promise<Cart | undefined>;
  /** Locks the row until the transaction ends (merge). */
  findGuestForUpdate(id: string, activeSince: Date): Promise<Cart | undefined>;
  findOrCreateForUser(userId: string, newId: string): Promise<Cart>;
  findByUser(userId: string): Promise<Cart | undefined>;
  /** Marks the cart as used; skipped when it was marked less than `minAgeSeconds` ago. */
  touch(cartId: string, minAgeSeconds?: number): Promise<void>;
  lines(cartId: string): Promise<CartLine[]>;
  hasLine(cartId: string, productId: string): Promise<boolean>;
  countLines(cartId: string): Promise<number>;
  /** Adds to the line (creating it), never beyond `max`. */
  addQuantity(cartId: string, productId: string, quantity: number, max: number): Promise<void>;
  /** Returns false when the cart has no such line. */
  setQuantity(cartId: string, productId: string, quantity: number): Promise<boolean>;
  removeLine(cartId: string, productId: string): Promise<boolean>;
  /** Moves every line of `fromCartId` into `toCartId`, summing and capping at `max`. */
  mergeLines(fromCartId: string, toCartId: string, max: number): Promise<void>;
  delete(cartId: string): Promise<void>;
  /** Subtracts ordered quantities; lines that reach zero go. */
  subtractLines(cartId: string, lines: CartLine[]): Promise<void>;
  removeProductEverywhere(productId: string): Promise<number>;
  deleteGuestsIdleSince(before: Date, limit: number): Promise<number>;
}

export interface ProductRepository {
  find(ids: string[]): Promise<ProductSnapshot[]>;
  /** Writes the snapshot unless a newer event already did; false when skipped. */
  upsert(snapshot: Omit<ProductSnapshot, 'deleted' | 'creator'>, versionAt: Date): Promise<boolean>;
  markDeleted(id: string, versionAt: Date): Promise<boolean>;
}

export interface CreatorRepository {
  /** Writes the copy unless it already holds this version or a newer one; false when skipped. */
  upsert(creator: CreatorSnapshot, version: number): Promise<boolean>;
}

export interface Stores {
  carts: CartRepository;
  products: ProductRepository;
  creators: CreatorRepository;
  /** Runs `work` in one transaction (or the one already open). */
  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
}
