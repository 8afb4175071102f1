/** Starts the product service in-process on port 0 against the test infrastructure. */
import { afterAll, beforeAll } from '@jest/globals';
import { migrateLatest, type Db } from '@shop/db';
import { createLogger } from '@shop/logger';
import type { Broker, OutboxRelay, Subscription } from '@shop/messaging';
import { createTestUser, listen, openApiChecker, testEnv } from '@shop/testing';
import { productEnv } from '../src/config.js';
import { migrationsDir } from '../src/data/migrations-dir.js';
import { buildService } from '../src/service.js';

// Response bodies are untyped JSON that the tests check field by field (and against the OpenAPI document).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface ProductApp {
  url: string;
  db: Db;
  broker: Broker;
  relay: OutboxRelay;
  consumers: Subscription[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; raw?: string }): Promise<Reply<T>>;
  close(): Promise<void>;
}

export async function startProductApp(overrides: Record<string, string> = {}, { migrate = true } = {}): Promise<ProductApp> {
  const config = productEnv.parse(testEnv('product', overrides));
  const logger = createLogger('product-test', config.LOG_LEVEL);
  const service = buildService(config, {
    logger,
    db: { poolMax: 5 },
    broker: { reconnect: { initialDelayMs: 100, maxDelayMs: 500 } },
    relay: { intervalMs: 100 },
  });
  const { db, broker, relay } = service;
  if (migrate) await migrateLatest(db, migrationsDir);
  const server = await listen(service.app, service.closers);

  async function call<T>(method: string, path: string, options: { token?: string; body?: unknown; raw?: string } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, { method, headers, body: payload, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
  }

  return { url: server.url, db, broker, relay, consumers: service.consumers, call, close: () => server.close() };
}

/** What a suite on `productSuite` gets; filled in by its beforeAll. */
export interface ProductSuite {
  app: ProductApp;
  /** Access tokens of a new admin and a new customer. */
  admin: string;
  customer: string;
  /** Checks a response against the service's own OpenAPI document. */
  check: ReturnType<typeof openApiChecker>;
}

/** The service, an admin, a customer and the document's checker: made before a suite's first test, closed after its last. */
export function productSuite(): ProductSuite {
  const suite = {} as ProductSuite;
  beforeAll(async () => {
    suite.app = await startProductApp();
    [suite.admin, suite.customer] = (await Promise.all([createTestUser({ roles: ['admin'] }), createTestUser()])).map((u) => u.accessToken);
    suite.check = openApiChecker((await suite.app.call('GET', '/api/products/openapi.json')).body);
  });
  afterAll(async () => {
    await suite.app?.close();
  });
  return suite;
}

/**
 * Every page of a slug-ordered list (/api/creators, /api/categories), following nextCursor to the
 * end. The test database keeps what every earlier run made, and a slug from `unique` sorts after
 * theirs: a creator or category made now is on the first page only while the database is young
 * (creators.test failed from its 11th run on a database: 10 creators a run, limit=100).
 */
export async function everyPage(app: ProductApp, path: string, options: { token?: string; limit?: number } = {}): Promise<Reply[]> {
  const pages: Reply[] = [];
  let cursor: string | null = null;
  do {
    const page: Reply = await app.call('GET', `${path}?limit=${options.limit ?? 100}${cursor ? `&cursor=${cursor}` : ''}`, { token: options.token });
    if (page.status !== 200) throw new Error(`GET ${path}: ${page.status} ${JSON.stringify(page.body)}`);
    pages.push(page);
    cursor = page.body.nextCursor;
    if (pages.length > 10_000) throw new Error(`GET ${path}: the pages did not end`);
  } while (cursor);
  return pages;
}

let counter = 0;
/** A unique token per test run, so each test's data is its own. */
export function unique(prefix = 't'): string {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${counter}${Math.random().toString(36).slice(2, 6)}`.toLowerCase();
}

export function productInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { sku: unique('SKU-').toUpperCase(), name: 'Test Hoodie', price: 4999, currency: 'EUR', initialStock: 10, ...overrides };
}
