import type { EventData, EventType } from '@shop/contracts';
import type { Category, CategoryQuery, Creator, CreatorPatch, CreatorQuery, Page, Product, ProductPatch, ProductQuery } from './product.js';
import type { BoughtTogether, PurchaseTally, Recommendations, Similar } from './recommendation.js';

/** What the use cases need from the outside world; data/ and app.ts provide it. */
export interface ProductRepository {
  insertMany(rows: Array<Omit<Product, 'status' | 'createdAt' | 'updatedAt' | 'creator'>>): Promise<Product[]>;
  findActive(id: string): Promise<Product | undefined>;
  update(id: string, patch: ProductPatch): Promise<Product | undefined>;
  markDeleted(id: string): Promise<Product | undefined>;
  /** Up to query.limit + 1 live products after query.after, in the query's order. */
  list(query: ProductQuery): Promise<Product[]>;
  /** Ids of the live products of a creator (the cache fan-out of a profile change). */
  idsByCreator(creatorId: string): Promise<string[]>;
}

export interface CreatorRepository {
  insert(creator: Omit<Creator, 'version' | 'createdAt' | 'updatedAt'>): Promise<Creator>;
  /** Applies the patch and counts one more version; undefined when there is no such creator. */
  update(id: string, patch: CreatorPatch): Promise<Creator | undefined>;
  find(id: string): Promise<Creator | undefined>;
  /** Up to query.limit + 1 creators by slug, after query.afterSlug. */
  list(query: CreatorQuery): Promise<Creator[]>;
  /**
   * The ids that name no creator. The others stay locked (FOR SHARE) until the transaction
   * ends, so a profile change waits for a product write that read the profile: it then sees
   * that product, and the product's event carries the profile as it was at commit.
   */
  missingLocked(ids: string[]): Promise<string[]>;
}

export interface CategoryRepository {
  insert(category: Omit<Category, 'createdAt'>): Promise<Category>;
  /** Up to query.limit + 1 categories by slug, after query.afterSlug. */
  list(query: CategoryQuery): Promise<Category[]>;
  missing(ids: string[]): Promise<string[]>;
}

export interface CatalogCache {
  /** Caches misses too (as null), so a flood of lookups for a missing id stays off Postgres. */
  product(id: string, load: () => Promise<Product | null>): Promise<{ value: Product | null; hit: boolean }>;
  listing(query: ProductQuery, load: () => Promise<Page<Product>>): Promise<{ value: Page<Product>; hit: boolean }>;
  categories(query: CategoryQuery, load: () => Promise<Page<Category>>): Promise<{ value: Page<Category>; hit: boolean }>;
  /** After a commit: makes every cached view of these products (and all listings) unreachable. */
  productsChanged(ids: string[]): Promise<void>;
  categoriesChanged(): Promise<void>;
  creator(id: string, load: () => Promise<Creator | null>): Promise<{ value: Creator | null; hit: boolean }>;
  /** After a commit: the profile, every listing and each of these products (its own) read fresh. */
  creatorChanged(id: string, productIds: string[]): Promise<void>;
}

/** Events written here commit with the transaction's rows, or not at all. */
export interface Outbox {
  emit<T extends EventType>(type: T, data: EventData<T>): Promise<unknown>;
}

/** One transaction's stores and outbox. */
export interface CatalogTx {
  products: ProductRepository;
  categories: CategoryRepository;
  creators: CreatorRepository;
  outbox: Outbox;
}

export interface CatalogDeps {
  /** Runs `work` in one transaction (the unit of work); the relay is woken after it commits. */
  write<T>(work: (tx: CatalogTx) => Promise<T>, ctx?: WriteContext): Promise<T>;
  products: ProductRepository;
  categories: CategoryRepository;
  creators: CreatorRepository;
  cache: CatalogCache;
}

export interface WriteContext {
  correlationId?: string;
}

/** Reads for recommendations: live products only. */
export interface RecommendationRepository {
  /** The products most often in the same confirmed order as this one, most orders first. */
  boughtTogether(productId: string, limit: number): Promise<BoughtTogether[]>;
  /** Same category or shared words in the text, best match first, then the most ordered. */
  similar(productId: string, limit: number): Promise<Similar[]>;
}

/** The co-purchase counts, inside the inbox transaction of the events that feed them. */
export interface PurchaseLedger {
  /** Records these orders as counted; resolves with the ones that were not counted before. */
  claimOrders(orderIds: readonly string[]): Promise<Set<string>>;
  add(tally: PurchaseTally): Promise<void>;
}

export interface RecommendationCache {
  /** A miss (null: no live product) is cached too. */
  recommendations(productId: string, limit: number, load: () => Promise<Recommendations | null>): Promise<{ value: Recommendations | null; hit: boolean }>;
  /** After a commit: these products' cached answers are unreachable. */
  coPurchasesChanged(productIds: readonly string[]): Promise<void>;
}

export interface RecommendationDeps {
  products: Pick<ProductRepository, 'findActive'>;
  recommendations: RecommendationRepository;
  cache: RecommendationCache;
}
