/** Browse and search: every filter lives in the URL, so a search can be shared and reloaded. */
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import { useLoad, useTitle } from '../hooks.ts';
import { money } from '../money.ts';
import { Link, navigate, type Location } from '../router.tsx';
import { ErrorBox, Loading, Swatch } from '../ui.tsx';
import type { Category, Page, Product } from '../types.ts';

const SORTS: Array<[string, string]> = [
  ['newest', 'Newest'],
  ['price_asc', 'Price: low to high'],
  ['price_desc', 'Price: high to low'],
  ['name', 'Name'],
];
const FILTERS = ['q', 'category', 'minPrice', 'maxPrice', 'sort'] as const;

function apiQuery(query: URLSearchParams, cursor?: string): string {
  const out = new URLSearchParams({ limit: '24' });
  for (const k of FILTERS) {
    const v = query.get(k)?.trim();
    if (!v) continue;
    // People type prices in major units; the API takes minor units.
    out.set(k, k.endsWith('Price') ? String(Math.round(Number(v) * 100)) : v);
  }
  if (cursor) out.set('cursor', cursor);
  return out.toString();
}

export function Catalog({ loc }: { loc: Location }) {
  useTitle('Shop');
  const key = apiQuery(loc.query);
  const categories = useLoad((signal) => get<Page<Category>>('/api/categories', { auth: false, signal }), []);
  const first = useLoad((signal) => get<Page<Product>>(`/api/products?${key}`, { auth: false, signal }), [key]);
  const [more, setMore] = useState<{ key: string; items: Product[]; cursor: string | null; error?: unknown }>();
  const extra = more?.key === key ? more : undefined;
  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const cursor = extra ? extra.cursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const page = await get<Page<Product>>(`/api/products?${apiQuery(loc.query, cursor)}`, { auth: false });
      setMore({ key, items: [...(extra?.items ?? []), ...page.items], cursor: page.nextCursor });
    } catch (error) {
      setMore({ key, items: extra?.items ?? [], cursor, error });
    }
  };

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const q = new URLSearchParams();
    for (const k of FILTERS) {
      const v = String(form.get(k) ?? '').trim();
      if (v && !(k === 'sort' && v === 'newest')) q.set(k, v);
    }
    navigate(q.size ? `/?${q}` : '/');
  };

  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">Shop</h1>
      <form class="filters" role="search" onSubmit={onSubmit} key={key}>
        <label>
          Search
          <input type="search" name="q" defaultValue={loc.query.get('q') ?? ''} placeholder="hoodie, mug…" />
        </label>
        <label>
          Category
          <select name="category" defaultValue={loc.query.get('category') ?? ''}>
            <option value="">All</option>
            {categories.data?.items.map((c) => (
              <option value={c.slug} key={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Min price
          <input type="number" name="minPrice" min="0" step="0.01" inputMode="decimal" defaultValue={loc.query.get('minPrice') ?? ''} />
        </label>
        <label>
          Max price
          <input type="number" name="maxPrice" min="0" step="0.01" inputMode="decimal" defaultValue={loc.query.get('maxPrice') ?? ''} />
        </label>
        <label>
          Sort
          <select name="sort" defaultValue={loc.query.get('sort') ?? 'newest'}>
            {SORTS.map(([v, label]) => (
              <option value={v} key={v}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Apply</button>
      </form>
      <ErrorBox error={first.error} />
      {first.loading && !first.data ? <Loading what="Loading products" /> : null}
      {first.data && items.length === 0 ? <p>No products match. Try fewer filters.</p> : null}
      <ul class="grid" aria-label="Products">
        {items.map((p) => (
          <li key={p.id} class="card">
            <Link href={`/products/${p.id}`} class="card-link">
              <Swatch name={p.name} />
              <span class="card-name">{p.name}</span>
              {p.creator ? <span class="muted card-creator">by {p.creator.name}</span> : null}
            </Link>
            <span class="price">{money(p.price, p.currency)}</span>
          </li>
        ))}
      </ul>
      <ErrorBox error={extra?.error} />
      {cursor ? (
        <button type="button" class="secondary" onClick={loadMore}>
          Load more
        </button>
      ) : null}
    </section>
  );
}
