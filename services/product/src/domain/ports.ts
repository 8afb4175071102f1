import type { Tx } from '@shop/db';
import type { EventEnvelope } from '@shop/contracts';
import type { Category, CategoryQuery, Page, Product, ProductPatch, ProductQuery } from './product.js';

/** What the use cases need from the outside world; data/ and app.ts provide it. */
export interface ProductRepository {
  insertMany(rows: Array<Omit<Product, 'status' | 'createdAt' | 'updatedAt'>>, trx?: Tx): Promise<Product[]>;
  findActive(id: string, trx?: Tx): Promise<Product | undefined>;
  update(id: string, patch: ProductPatch, trx?: Tx): Promise<Product | undefined>;
  markDeleted(id: string, trx?: Tx): Promise<Product | undefined>;
  /** Up to query.limit + 1 live products after query.after, in the query's order. */
  list(query: ProductQuery): Promise<Product[]>;
}

export interface CategoryRepository {
  insert(category: Omit<Category, 'createdAt'>, trx?: Tx): Promise<Category>;
  /** Up to query.limit + 1 categories by slug, after query.afterSlug. */
  list(query: CategoryQuery): Promise<Category[]>;
  missing(ids: string[], trx?: Tx): Promise<string[]>;
}

export interface CatalogCache {
  /** Caches misses too (as null), so a flood of lookups for a missing id stays off Postgres. */
  product(id: string, load: () => Promise<Product | null>): Promise<{ value: Product | null; hit: boolean }>;
  listing(query: ProductQuery, load: () => Promise<Page<Product>>): Promise<{ value: Page<Product>; hit: boolean }>;
  categories(query: CategoryQuery, load: () => Promise<Page<Category>>): Promise<{ value: Page<Category>; hit: boolean }>;
  /** After a commit: makes every cached view of these products (and all listings) unreachable. */
  productsChanged(ids: string[]): Promise<void>;
  categoriesChanged(): Promise<void>;
}

export interface CatalogDeps {
  transact<T>(work: (trx: Tx) => Promise<T>): Promise<T>;
  products: ProductRepository;
  categories: CategoryRepository;
  cache: CatalogCache;
  /** Writes an event to the outbox inside the business transaction. */
  enqueue(trx: Tx, event: EventEnvelope): Promise<void>;
  /** Tells the outbox relay there is something to publish (after commit). */
  kickRelay(): void;
  source: string;
}

export interface WriteContext {
  correlationId?: string;
}
