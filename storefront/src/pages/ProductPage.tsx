/** One product with its stock kept live (polled while the tab is visible) and add to cart. */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api.ts';
import { cart } from '../cart.ts';
import { useLoad, useTitle } from '../hooks.ts';
import { money } from '../money.ts';
import { Link } from '../router.tsx';
import { ErrorBox, Loading, Swatch } from '../ui.tsx';
import type { Product } from '../types.ts';

const STOCK_EVERY_MS = 5_000;

/** `available` units, re-read every few seconds while the page is in view. */
function useLiveStock(productId: string): number | null {
  const [available, setAvailable] = useState<number | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      if (document.visibilityState === 'visible') {
        try {
          const s = await get<{ available: number }>(`/api/inventory/${productId}`, { auth: false });
          if (!stopped) setAvailable(s.available);
        } catch {
          /* keep the last known number; the next tick tries again */
        }
      }
      if (!stopped) timer = setTimeout(tick, STOCK_EVERY_MS);
    };
    const onVisible = () => {
      if (document.visibilityState !== 'visible' || stopped) return;
      clearTimeout(timer);
      void tick();
    };
    void tick();
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [productId]);
  return available;
}

export function ProductPage({ id }: { id: string }) {
  const product = useLoad((signal) => get<Product>(`/api/products/${encodeURIComponent(id)}`, { auth: false, signal }), [id]);
  const available = useLiveStock(id);
  const [qty, setQty] = useState(1);
  const [added, setAdded] = useState<{ ok?: boolean; error?: unknown; busy?: boolean }>({});
  useTitle(product.data?.name ?? 'Product');

  if (product.error) return <ErrorBox error={product.error} />;
  if (!product.data) return <Loading what="Loading the product" />;
  const p = product.data;
  const max = Math.max(1, Math.min(10, p.maxPerCustomer ?? 10, available ?? 10));
  const soldOut = available === 0;

  const add = async () => {
    setAdded({ busy: true });
    try {
      await cart.add(p.id, qty);
      setAdded({ ok: true });
    } catch (error) {
      setAdded({ error });
    }
  };

  return (
    <article class="product" aria-labelledby="product-title">
      <Swatch name={p.name} large />
      <div>
        <h1 id="product-title">{p.name}</h1>
        {p.creator ? <p class="muted" data-testid="creator">by {p.creator.name}</p> : null}
        <p class="price big">{money(p.price, p.currency)}</p>
        <p class="stock" role="status" aria-live="polite" data-testid="stock">
          {available === null ? 'Checking stock…' : soldOut ? 'Sold out' : available <= 5 ? `Only ${available} left` : `${available} in stock`}
        </p>
        {p.maxPerCustomer ? <p class="muted">Limit {p.maxPerCustomer} per customer.</p> : null}
        {p.description ? <p>{p.description}</p> : null}
        <div class="buy">
          <label>
            Quantity
            <select value={String(qty)} onChange={(e) => setQty(Number((e.currentTarget as HTMLSelectElement).value))} disabled={soldOut}>
              {Array.from({ length: max }, (_, i) => (
                <option key={i} value={String(i + 1)}>
                  {i + 1}
                </option>
              ))}
            </select>
          </label>
          <button type="button" onClick={add} disabled={soldOut || added.busy}>
            {soldOut ? 'Sold out' : added.busy ? 'Adding…' : 'Add to cart'}
          </button>
        </div>
        {added.ok ? (
          <p class="notice" role="status">
            Added to your cart. <Link href="/cart">View cart</Link>
          </p>
        ) : null}
        <ErrorBox error={added.error} />
        <p class="muted small">SKU {p.sku}</p>
      </div>
    </article>
  );
}
