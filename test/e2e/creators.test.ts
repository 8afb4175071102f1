import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { adminToken, api, EDGE, newCustomer, newProduct, until, type Customer } from './api.js';

/**
 * Creators through :8000: an admin's profile shows on its products, and a rename reaches every
 * product (REST, cached listings, GraphQL) and every open cart through creator.updated.v1.
 */
describe('creators through :8000', () => {
  let admin: string;
  let buyer: Customer;
  beforeAll(async () => {
    admin = await adminToken();
    buyer = await newCustomer('creators');
  });

  const gqlProductCreator = async (id: string) => {
    const res = await fetch(`${EDGE}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($id: ID!) { product(id: $id) { id creator { id name slug } } }', variables: { id } }),
    });
    return ((await res.json()) as { data?: { product?: { creator?: { name: string } | null } } }).data?.product?.creator;
  };

  it('when an admin renames a creator, then its products, a cached listing, GraphQL and open carts all show the new name', async () => {
    const slug = `e2e-${randomUUID().slice(0, 8)}`;
    const created = await api('POST', '/api/creators', { token: admin, body: { slug, name: 'E2E Studio', bio: 'made by a test', avatarUrl: 'https://images.example.com/creators/e2e.png' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ slug, name: 'E2E Studio', version: 1 });
    const creatorId = created.body.id as string;
    expect((await api('GET', `/api/creators/${creatorId}`)).body).toMatchObject({ id: creatorId, name: 'E2E Studio' });

    const [a, b] = [await newProduct(admin, { stock: 5 }), await newProduct(admin, { stock: 5 })];
    for (const p of [a, b]) {
      const patched = await api('PATCH', `/api/products/${p.id}`, { token: admin, body: { creatorId } });
      expect(patched.status).toBe(200);
      expect(patched.body.creator).toEqual({ id: creatorId, name: 'E2E Studio', slug });
    }

    // Two open carts: the buyer's and a guest's, each with a product of the creator.
    const guest = await api('POST', '/api/cart');
    const guestCart = { 'x-cart-id': guest.body.id as string };
    expect((await api('POST', '/api/cart/items', { token: buyer.token, body: { productId: a.id, quantity: 1 } })).status).toBe(200);
    expect((await api('POST', '/api/cart/items', { headers: guestCart, body: { productId: b.id, quantity: 2 } })).status).toBe(200);
    const creatorInCart = async (options: { token?: string; headers?: Record<string, string> }) =>
      (await api('GET', '/api/cart', options)).body.items?.[0]?.creator?.name as string | undefined;
    await until(async () => (await creatorInCart({ token: buyer.token })) === 'E2E Studio', "the buyer's cart line to show the creator");
    await until(async () => (await creatorInCart({ headers: guestCart })) === 'E2E Studio', "the guest's cart line to show the creator");

    // Warm the caches: the listing by creator, each product page, the GraphQL answer.
    const listing = () => api('GET', `/api/products?creator=${slug}&sort=price_asc`);
    expect((await listing()).body.items.map((i: { creator: { name: string } }) => i.creator.name)).toEqual(['E2E Studio', 'E2E Studio']);
    await until(async () => (await gqlProductCreator(a.id))?.name === 'E2E Studio', 'GraphQL to show the creator');

    const renamed = await api('PATCH', `/api/creators/${creatorId}`, { token: admin, body: { name: 'E2E Studio Renamed' } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'E2E Studio Renamed', version: 2 });

    // The edge's micro-cache holds a catalogue read for up to 1 s; the service's own caches not at all.
    for (const p of [a, b]) {
      await until(async () => (await api('GET', `/api/products/${p.id}`)).body.creator?.name === 'E2E Studio Renamed', `product ${p.id} to show the new name`, 5_000);
    }
    await until(async () => {
      const items = (await listing()).body.items as Array<{ creator: { name: string } }>;
      return items.length === 2 && items.every((i) => i.creator.name === 'E2E Studio Renamed');
    }, 'the listing to show the new name', 5_000);
    await until(async () => (await gqlProductCreator(a.id))?.name === 'E2E Studio Renamed', 'GraphQL to show the new name');
    await until(async () => (await creatorInCart({ token: buyer.token })) === 'E2E Studio Renamed', "the buyer's cart to show the new name");
    await until(async () => (await creatorInCart({ headers: guestCart })) === 'E2E Studio Renamed', "the guest's cart to show the new name");
    expect((await api('GET', '/api/cart', { headers: guestCart })).body.items[0]).toMatchObject({ productId: b.id, quantity: 2, creator: { id: creatorId, slug } });
  });

  it('when a customer or nobody manages creators, then 403 or 401, and bad input is a 400 with its code', async () => {
    const body = { slug: `e2e-${randomUUID().slice(0, 8)}`, name: 'Nope' };
    expect((await api('POST', '/api/creators', { token: buyer.token, body })).status).toBe(403);
    expect((await api('GET', '/api/creators')).status).toBe(401);
    const bad = await api('POST', '/api/creators', { token: admin, body: { ...body, slug: 'Not A Slug' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const product = await api('POST', '/api/products', {
      token: admin,
      body: { sku: `E2E-${randomUUID().slice(0, 8)}`, name: 'x', price: 1, currency: 'EUR', initialStock: 0, creatorId: randomUUID() },
    });
    expect(product.status).toBe(400);
    expect(product.body.error.code).toBe('CREATOR_NOT_FOUND');
    expect((await api('GET', `/api/creators/${randomUUID()}`)).status).toBe(404);
  });
});
