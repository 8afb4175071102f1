/** Create products (with their initial stock) and see the newest ones. */
import { useState } from 'preact/hooks';
import { get, post } from '../../api.ts';
import { useLoad } from '../../hooks.ts';
import { money } from '../../money.ts';
import { Link } from '../../router.tsx';
import { ErrorBox } from '../../ui.tsx';
import type { Category, Page, Product } from '../../types.ts';

export function AdminProducts() {
  const categories = useLoad((signal) => get<Page<Category>>('/api/categories', { auth: false, signal }), []);
  const [created, setCreated] = useState<Product[]>([]);
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    const body: Record<string, unknown> = {
      sku: s('sku'),
      name: s('name'),
      price: Math.round(Number(s('price')) * 100),
      currency: s('currency').toUpperCase(),
      initialStock: Number(s('initialStock')),
    };
    if (s('description')) body.description = s('description');
    if (s('categoryId')) body.categoryId = s('categoryId');
    if (s('maxPerCustomer')) body.maxPerCustomer = Number(s('maxPerCustomer'));
    setState({ busy: true });
    try {
      const p = await post<Product>('/api/products', body);
      setCreated((list) => [p, ...list]);
      setState({ busy: false });
      form.reset();
    } catch (error) {
      setState({ busy: false, error });
    }
  };

  return (
    <section aria-labelledby="admin-products-title">
      <h1 id="admin-products-title">Products</h1>
      <form onSubmit={onSubmit} class="panel stack narrow" aria-label="Create a product">
        <h2>Create a product</h2>
        <label>
          SKU
          <input name="sku" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" maxLength={64} />
        </label>
        <label>
          Name
          <input name="name" required maxLength={200} />
        </label>
        <label>
          Description
          <input name="description" maxLength={5000} />
        </label>
        <label>
          Price (e.g. 29.99)
          <input name="price" type="number" min="0" step="0.01" required />
        </label>
        <label>
          Currency
          <input name="currency" required pattern="[A-Za-z]{3}" maxLength={3} defaultValue="EUR" />
        </label>
        <label>
          Category
          <select name="categoryId">
            <option value="">None</option>
            {categories.data?.items.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Initial stock
          <input name="initialStock" type="number" min="0" step="1" required defaultValue="100" />
        </label>
        <label>
          Limit per customer (optional)
          <input name="maxPerCustomer" type="number" min="1" step="1" />
        </label>
        <ErrorBox error={state.error} />
        <button type="submit" disabled={state.busy}>
          {state.busy ? 'Creating…' : 'Create product'}
        </button>
      </form>
      {created.length ? (
        <div class="panel" role="status">
          <h2>Created</h2>
          <ul>
            {created.map((p) => (
              <li key={p.id}>
                <Link href={`/products/${p.id}`}>{p.name}</Link> ({p.sku}, {money(p.price, p.currency)}) ·{' '}
                <Link href={`/admin/drops?productId=${p.id}`}>Schedule a drop</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
