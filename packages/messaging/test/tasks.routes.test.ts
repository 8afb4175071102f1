import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import type { Knex } from '@shop/db';
import { isAppError } from '@shop/errors';
import { mountRoutes } from '@shop/http';
import { setTaskStatus, tasksRoute } from '../src/index.js';
import { dropDb, freshDb, uniq } from './helpers.js';

let db: Knex;
let app: express.Express;

beforeAll(async () => {
  db = await freshDb();
  app = express();
  // The services mount it behind the admin guard; here every caller passes.
  const pass = (_req: Request, _res: Response, next: NextFunction) => next();
  mountRoutes(app, [tasksRoute('/admin/tasks')], { deps: { db }, auth: { required: pass, optional: pass, requireRole: () => pass } });
  // the services' shared error middleware does this for real
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (isAppError(err)) return void res.status(err.status).json({ error: { code: err.code, message: err.message } });
    res.status(500).json({ error: { code: 'INTERNAL' } });
  });
});
afterAll(() => dropDb(db));

async function seed(consumer: string, statuses: Array<'pending' | 'processing' | 'complete' | 'failed'>): Promise<void> {
  for (const [i, status] of statuses.entries()) {
    await setTaskStatus(db, { consumer, messageId: `m${i}`, eventType: 'order.placed.v1' }, status, { countAttempt: true });
  }
}

describe('tasks router', () => {
  it('when filtered by status, then only tasks in that status come back, newest first', async () => {
    const consumer = uniq('svc.');
    await seed(consumer, ['failed', 'complete', 'failed', 'pending']);
    const res = await request(app).get('/admin/tasks').query({ status: 'failed', consumer });
    expect(res.status).toBe(200);
    expect(res.body.items.map((t: { messageId: string }) => t.messageId)).toEqual(['m2', 'm0']);
    expect(res.body.items[0]).toMatchObject({ consumer, status: 'failed', attempts: 1, eventType: 'order.placed.v1' });
    expect(res.body.nextCursor).toBeNull();
  });

  it('when there are more tasks than the limit, then nextCursor walks through all of them once', async () => {
    const consumer = uniq('svc.');
    await seed(consumer, ['complete', 'complete', 'complete', 'complete', 'complete']);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await request(app).get('/admin/tasks').query({ consumer, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((t: { messageId: string }) => t.messageId));
      cursor = res.body.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(['m4', 'm3', 'm2', 'm1', 'm0']);
  });

  it.each([
    ['an unknown status', { status: 'done' }],
    ['a limit above 100', { limit: 101 }],
    ['a limit of 0', { limit: 0 }],
    ['a forged cursor', { cursor: "1' or 1=1" }],
  ])('when the query has %s, then it is 400 VALIDATION_FAILED', async (_name, query) => {
    const res = await request(app).get('/admin/tasks').query(query);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});
