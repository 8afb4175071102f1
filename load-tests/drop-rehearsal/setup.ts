/** What a rehearsal and a profiling drop both set up through the edge: the admin, a product, its drop. */
import { call, sleep, type Answer } from './http.js';

const ADMIN = { email: process.env.ADMIN_EMAIL ?? 'admin@shop.local', password: process.env.ADMIN_PASSWORD ?? 'Admin-pass-123!' };
export const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

export async function adminToken(edge: string): Promise<string> {
  const res = await call(edge, 'POST', '/api/auth/login', {}, ADMIN);
  if (res.status !== 200) throw new Error(`admin login: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken;
}

/** A product with `units` in stock and a per-customer cap; its id. */
export async function dropProduct(edge: string, admin: string, p: { sku: string; name: string; price: number; units: number; cap: number }): Promise<string> {
  const product = await call(edge, 'POST', '/api/products', bearer(admin), { sku: p.sku, name: p.name, price: p.price, currency: 'EUR', initialStock: p.units, maxPerCustomer: p.cap });
  if (product.status !== 201) throw new Error(`create product: ${product.status} ${JSON.stringify(product.body)}`);
  return product.body.id;
}

/**
 * The drop, scheduled once inventory counts the product's units and the order service's
 * product snapshot has it (up to 15 s); the 201's body.
 */
export async function scheduleDrop(
  edge: string,
  admin: string,
  d: { productId: string; units: number; opensAt: number; admitPerSecond: number; holdSeconds: number },
): Promise<Answer['body']> {
  let drop: Answer | undefined;
  for (let k = 0; k < 60; k++) {
    const stock = await call(edge, 'GET', `/api/inventory/${d.productId}`);
    if (stock.status === 200 && stock.body.available === d.units) {
      drop = await call(edge, 'POST', '/api/drops', bearer(admin), { productId: d.productId, opensAt: new Date(d.opensAt).toISOString(), admitPerSecond: d.admitPerSecond, holdSeconds: d.holdSeconds });
      if (drop.status === 201) return drop.body;
    }
    await sleep(250);
  }
  throw new Error(`create drop: ${drop?.status} ${JSON.stringify(drop?.body)}`);
}
