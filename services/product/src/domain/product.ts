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
  status: ProductStatus;
  createdAt: string;
  updatedAt: string;
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
