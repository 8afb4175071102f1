/** A tiny client for the platform at :8000, for end-to-end tests. */
import { randomBytes, randomUUID } from 'node:crypto';

export const EDGE = process.env.EDGE_URL ?? 'http://127.0.0.1:8000';
export const MAILPIT = process.env.MAILPIT_URL ?? 'http://127.0.0.1:8025';
export const FINAL = ['CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED'];

export interface Reply<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function api<T = any>(
  method: string,
  path: string,
  { token, body, headers = {} }: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const res = await fetch(`${EDGE}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export interface Customer {
  id: string;
  email: string;
  token: string;
}

export async function newCustomer(label = 'e2e'): Promise<Customer> {
  const email = `${label}-${randomUUID().slice(0, 8)}@e2e.test`;
  const password = 'E2e-pass-123!';
  const reg = await api('POST', '/api/auth/register', { body: { email, password, name: `Customer ${label}` } });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await api('POST', '/api/auth/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  return { id: reg.body.id, email, token: login.body.accessToken };
}

/**
 * Makes `count` customers, a few at a time: each registration and login costs Keycloak a
 * deliberately slow password hash, and a burst of them would only queue up there.
 */
export async function newCustomers(count: number, label: string, parallel = 4): Promise<Customer[]> {
  const made: Customer[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, count - start) }, (_, n) => newCustomer(`${label}${start + n}`));
    made.push(...(await Promise.all(batch)));
  }
  return made;
}

export async function adminToken(): Promise<string> {
  const login = await api('POST', '/api/auth/login', { body: { email: 'admin@shop.local', password: 'Admin-pass-123!' } });
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body.accessToken;
}

/** Creates a product with its stock and waits until inventory knows it. */
export async function newProduct(admin: string, { stock, price = 2500, maxPerCustomer }: { stock: number; price?: number; maxPerCustomer?: number }) {
  const sku = `E2E-${randomUUID().slice(0, 8)}`;
  const res = await api('POST', '/api/products', {
    token: admin,
    body: { sku, name: `E2E product ${sku}`, price, currency: 'EUR', initialStock: stock, ...(maxPerCustomer ? { maxPerCustomer } : {}) },
  });
  if (res.status !== 201) throw new Error(`create product: ${res.status} ${JSON.stringify(res.body)}`);
  await until(async () => (await api('GET', `/api/inventory/${res.body.id}`)).body?.available === stock, 'stock record');
  await new Promise((r) => setTimeout(r, 300)); // the order and cart snapshots follow the same event
  return res.body as { id: string; sku: string; price: number };
}

export async function until<T>(check: () => Promise<T | false | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export function placeOrder(token: string, body: unknown, key: string = randomUUID(), headers: Record<string, string> = {}) {
  return api('POST', '/api/orders', { token, body, headers: { 'Idempotency-Key': key, ...headers } });
}

/**
 * A W3C traceparent with the sampled flag, as a caller that traces would send: the platform samples
 * a share of the traces it starts (OTEL_TRACES_SAMPLER_ARG) but always continues a sampled caller's
 * (parent-based), so a test that follows one request through Jaeger sends this.
 */
export function sampledTrace(): { traceId: string; parentId: string; headers: { traceparent: string } } {
  const traceId = randomBytes(16).toString('hex');
  const parentId = randomBytes(8).toString('hex');
  return { traceId, parentId, headers: { traceparent: `00-${traceId}-${parentId}-01` } };
}

export async function finalOrder(token: string, id: string, timeoutMs = 20_000) {
  return until(async () => {
    const res = await api('GET', `/api/orders/${id}`, { token });
    return FINAL.includes(res.body?.status) ? res.body : undefined;
  }, `order ${id} to become final`, timeoutMs);
}

export async function adminStock(admin: string, productId: string) {
  return (await api('GET', `/api/inventory/admin/stock/${productId}`, { token: admin })).body as {
    available: number;
    reserved: number;
    sold: number;
    added: number;
  };
}

export async function mailsTo(email: string): Promise<Array<{ Subject: string; ID: string }>> {
  const res = await fetch(`${MAILPIT}/api/v1/search?query=${encodeURIComponent(`to:${email}`)}`);
  return ((await res.json()) as { messages: Array<{ Subject: string; ID: string }> }).messages;
}
