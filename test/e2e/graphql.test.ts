import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { adminToken, api, EDGE, newCustomer, newProduct, until, type Customer } from './api.js';

/** The GraphQL gateway through :8000: the same tokens, roles and codes as REST, its limits and its cache. */
// Response data is untyped JSON that each test checks field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
interface Gql<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions: { code: string; status?: number } }>;
  extensions?: { responseCache?: 'hit' | 'miss' };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Gql<T>> {
  const res = await fetch(`${EDGE}/api/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as Omit<Gql<T>, 'status'>) };
}
const codes = (r: Gql) => (r.errors ?? []).map((e) => e.extensions.code);

describe('GraphQL at /api/graphql through :8000', () => {
  let admin: string;
  let buyer: Customer;
  let other: Customer;
  beforeAll(async () => {
    admin = await adminToken();
    [buyer, other] = await Promise.all([newCustomer('gql'), newCustomer('gql-other')]);
  });

  it('when a user registers and logs in by mutation, then the token works for me, and a wrong password is INVALID_CREDENTIALS', async () => {
    const email = `gql-${randomUUID().slice(0, 8)}@e2e.test`;
    const reg = await gql('mutation($i: RegisterInput!) { registerUser(input: $i) { id email name } }', { i: { email, password: 'E2e-pass-123!', name: 'Graph Q' } });
    expect(reg.errors).toBeUndefined();
    expect(reg.data!.registerUser).toMatchObject({ email, name: 'Graph Q' });
    const again = await gql('mutation($i: RegisterInput!) { registerUser(input: $i) { id } }', { i: { email, password: 'E2e-pass-123!', name: 'Graph Q' } });
    expect(codes(again)).toEqual(['EMAIL_TAKEN']);

    const login = await gql('mutation($i: LoginInput!) { loginUser(input: $i) { accessToken tokenType expiresIn } }', { i: { email, password: 'E2e-pass-123!' } });
    expect(login.data!.loginUser.tokenType).toBe('Bearer');
    const me = await gql('{ me { id email name } }', {}, login.data!.loginUser.accessToken);
    expect(me.data!.me).toEqual({ id: reg.data!.registerUser.id, email, name: 'Graph Q' });

    const wrong = await gql('mutation { loginUser(input: {email: "nobody@e2e.test", password: "Wrong-pass-123!"}) { accessToken } }');
    expect(codes(wrong)).toEqual(['INVALID_CREDENTIALS']);
  });

  it('when a caller lacks the token or the role, then the REST codes come back: UNAUTHENTICATED, FORBIDDEN; a bad token is 401 as on REST', async () => {
    expect(codes(await gql('{ orders { items { id } } }'))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await gql('{ users { items { id } } }', {}, buyer.token))).toEqual(['FORBIDDEN']);
    const create = await gql('mutation { createProduct(input: {sku: "GQL-NOPE", name: "x", price: 1, currency: "EUR", initialStock: 1}) { id } }', {}, buyer.token);
    expect(codes(create)).toEqual(['FORBIDDEN']);
    expect((await gql('{ me { id } }', {}, 'not.a.token')).status).toBe(401);
    expect(codes(await gql(`{ user(id: "${other.id}") { id } }`, {}, buyer.token))).toEqual(['FORBIDDEN']);
    expect((await gql(`{ user(id: "${other.id}") { id email } }`, {}, admin)).data!.user).toEqual({ id: other.id, email: other.email });
  });

  it('when an admin creates a product and a buyer places an order by mutation, then the key replays, the order reads back with its products batched, and another user sees null', async () => {
    const sku = `GQL-${randomUUID().slice(0, 8)}`;
    const created = await gql('mutation($i: CreateProductInput!) { createProduct(input: $i) { id sku price currency } }', { i: { sku, name: `GraphQL ${sku}`, price: 1500, currency: 'EUR', initialStock: 5 } }, admin);
    expect(created.errors).toBeUndefined();
    const productId = created.data!.createProduct.id as string;
    await until(async () => (await api('GET', `/api/inventory/${productId}`)).body?.available === 5, 'stock record');
    await new Promise((r) => setTimeout(r, 300)); // the order service's snapshot follows the same event

    const key = randomUUID();
    const place = 'mutation($k: String!, $i: PlaceOrderInput) { placeOrder(idempotencyKey: $k, input: $i) { id status total currency } }';
    const input = { items: [{ productId, quantity: 2 }], paymentToken: 'tok_visa' };
    const first = await gql(place, { k: key, i: input }, buyer.token);
    expect(first.errors).toBeUndefined();
    expect(first.data!.placeOrder).toMatchObject({ status: 'PENDING', total: 3000, currency: 'EUR' });
    const replay = await gql(place, { k: key, i: input }, buyer.token);
    expect(replay.data!.placeOrder.id).toBe(first.data!.placeOrder.id);
    expect(codes(await gql(place, { k: key, i: { ...input, items: [{ productId, quantity: 1 }] } }, buyer.token))).toEqual(['IDEMPOTENCY_KEY_REUSED']);

    const orderId = first.data!.placeOrder.id as string;
    const read = await gql(`{ order(id: "${orderId}") { id user { id } items { quantity product { id sku } } } }`, {}, buyer.token);
    expect(read.data!.order).toEqual({ id: orderId, user: { id: buyer.id }, items: [{ quantity: 2, product: { id: productId, sku } }] });
    expect((await gql(`{ order(id: "${orderId}") { id } }`, {}, other.token)).data!.order).toBeNull();
    const mine = await gql('{ orders(limit: 5) { items { id } } }', {}, buyer.token);
    expect(mine.data!.orders.items.map((o: { id: string }) => o.id)).toContain(orderId);
  });

  it('when a query is too deep, then it is refused with QUERY_TOO_DEEP and nothing is fetched', async () => {
    const deep = await gql('{ me { orders { items { user { orders { items { user { orders { items { id } } } } } } } } } }', {}, buyer.token);
    expect(codes(deep)).toContain('QUERY_TOO_DEEP');
    expect(deep.data ?? undefined).toBeUndefined();
  });

  it('when a product changes, then the cached product list is invalidated by its event and shows the change', async () => {
    const product = await newProduct(admin, { stock: 3, price: 700 });
    const list = `{ products(sku: "${product.sku}") { items { id name price } } }`;
    const first = await gql(list);
    expect(first.data!.products.items).toEqual([{ id: product.id, name: `E2E product ${product.sku}`, price: 700 }]);
    const second = await gql(list);
    expect(second.extensions?.responseCache).toBe('hit');

    const patched = await api('PATCH', `/api/products/${product.id}`, { token: admin, body: { name: 'Renamed by the test', price: 650 } });
    expect(patched.status).toBe(200);
    // Well inside the cache's TTL (60 s): only product.updated.v1 can have moved it.
    const fresh = await until(async () => {
      const r = await gql(list);
      return r.data?.products.items[0]?.name === 'Renamed by the test' ? r : undefined;
    }, 'the renamed product in the GraphQL list', 10_000);
    expect(fresh.data!.products.items).toEqual([{ id: product.id, name: 'Renamed by the test', price: 650 }]);
    expect(fresh.extensions?.responseCache).toBe('miss');
  });

  it('when categories are asked for, then the REST list comes back', async () => {
    const slug = `gql-${randomUUID().slice(0, 8)}`;
    const made = await gql('mutation($i: CreateCategoryInput!) { createCategory(input: $i) { id slug } }', { i: { name: `Cat ${slug}`, slug } }, admin);
    expect(made.data!.createCategory.slug).toBe(slug);
    const all = await gql('{ categories(limit: 100) { items { slug } nextCursor } }');
    expect(all.errors).toBeUndefined();
    expect(Array.isArray(all.data!.categories.items)).toBe(true);
  });
});
