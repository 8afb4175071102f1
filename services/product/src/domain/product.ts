/** The catalog's vocabulary: plain data, no drivers. Money is integer minor units + currency. */
export type ProductStatus = 'active' | 'deleted';

export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  price: number;
  currency: string;
  categoryId: string | null;
  imageUrl: string | null;
  maxPerCustomer: number | null;
  creatorId: string | null;
  /** The creator's summary as it is now (read with the product); null without one. */
  creator: CreatorSummary | null;
  status: ProductStatus;
  createdAt: string;
  updatedAt: string;
}

/** What a product shows of its creator; `version` travels in events, not in the API answer. */
export interface CreatorSummary {
  id: string;
  name: string;
  slug: string;
  version: number;
}

/** A creator's profile: the brand or person behind a product. */
export interface Creator {
  id: string;
  slug: string;
  name: string;
  bio: string | null;
  avatarUrl: string | null;
  /** 1 at creation, +1 with every change. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewCreator {
  slug: string;
  name: string;
  bio?: string;
  avatarUrl?: string;
}

/** A PATCH of a profile: absent fields stay, null clears bio or avatarUrl. */
export interface CreatorPatch {
  slug?: string;
  name?: string;
  bio?: string | null;
  avatarUrl?: string | null;
}

export interface CreatorQuery {
  limit: number;
  afterSlug?: string;
}

export interface NewProduct {
  /** Only for well-known fixtures (the seed's drop product); the API always generates one. */
  id?: string;
  sku: string;
  name: string;
  description?: string;
  price: number;
  currency: string;
  categoryId?: string;
  imageUrl?: string;
  initialStock: number;
  maxPerCustomer?: number;
  creatorId?: string;
}

/** A PATCH: absent fields stay as they are, null clears an optional one. */
export interface ProductPatch {
  sku?: string;
  name?: string;
  description?: string | null;
  price?: number;
  currency?: string;
  categoryId?: string | null;
  imageUrl?: string | null;
  maxPerCustomer?: number | null;
  creatorId?: string | null;
}

export interface Category {
  id: string;
  name: string;
  slug: string;
  createdAt: string;
}

export const SORTS = ['newest', 'price_asc', 'price_desc', 'name'] as const;
export type Sort = (typeof SORTS)[number];

/** Where the previous page ended: the sort key of its last item plus its id (ties broken by id). */
export interface CursorPosition {
  sort: Sort;
  key: string | number;
  id: string;
}

export interface ProductQuery {
  q?: string;
  /** Exact SKU match (how load tests find DROP-001 without a text search). */
  sku?: string;
  /** A category id or slug. */
  category?: string;
  /** A creator id or slug. */
  creator?: string;
  minPrice?: number;
  maxPrice?: number;
  sort: Sort;
  limit: number;
  after?: CursorPosition;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CategoryQuery {
  limit: number;
  afterSlug?: string;
}
