import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Db } from '@shop/db';
import { AppError } from '@shop/errors';
import { checkHealth, rpcClient, startRpcServer, type RpcClient, type RpcServer } from '@shop/rpc';
import { stockRepository } from '../src/data/stock.repository.js';
import { stockRpc } from '../src/rpc/stock.rpc.js';
import { logger, migratedDb, seedStock } from './harness.js';

/** shop.inventory.v1.Stock/GetAvailability on a real gRPC server over the test database. */
let db: Db;
let server: RpcServer;
let stock: RpcClient<'inventory'>;
const failureOf = (p: Promise<unknown>) => p.then(() => undefined, (err: unknown) => err as AppError);

beforeAll(async () => {
  db = await migratedDb();
  server = await startRpcServer({ host: '127.0.0.1', port: 0, logger, apis: [stockRpc(stockRepository(db))], checks: { db: () => db.raw('select 1') } });
  stock = rpcClient('inventory', { target: `127.0.0.1:${server.port}`, deadlineMs: 3_000, what: 'The inventory service' });
});
afterAll(async () => {
  stock?.close();
  await server?.close(1_000);
  await db?.destroy();
});

describe('GetAvailability over gRPC', () => {
  it('when a product has stock, then the call gives the same figure as its row', async () => {
    const productId = await seedStock(db, 42);
    expect(await stock.call('GetAvailability', { productId })).toEqual({ productId, available: 42 });
  });

  it('when the product has no stock record, then 404 NOT_FOUND, as over REST', async () => {
    const err = await failureOf(stock.call('GetAvailability', { productId: randomUUID() }));
    expect(err).toBeInstanceOf(AppError);
    expect({ code: err?.code, status: err?.status }).toEqual({ code: 'NOT_FOUND', status: 404 });
  });

  it('when the product id is not a UUID, then 400 VALIDATION_FAILED and no query', async () => {
    const err = await failureOf(stock.call('GetAvailability', { productId: "x' or 1=1" }));
    expect({ code: err?.code, status: err?.status }).toEqual({ code: 'VALIDATION_FAILED', status: 400 });
  });

  it('when the server is asked for its health, then shop.inventory.v1.Stock is SERVING while its database answers', async () => {
    expect(await checkHealth(`127.0.0.1:${server.port}`, 'shop.inventory.v1.Stock')).toBe('SERVING');
  });
});
