import type { Knex } from 'knex';
import { z } from 'zod';
import { defineRoute, queryInt, type Route } from '@shop/http';
import { listTasks, TaskStatuses } from './tasks.js';

const TasksQuery = z.strictObject({
  status: z.enum(TaskStatuses).optional(),
  consumer: z.string().min(1).max(200).optional(),
  limit: queryInt(1, 100).default(20),
  // At most 18 digits: always inside bigint, so a made-up cursor is a 400, never a database error.
  cursor: z.string().regex(/^[1-9]\d{0,17}$/, 'cursor must come from nextCursor').optional(),
});

const Task = z
  .strictObject({
    id: z.string(),
    consumer: z.string(),
    messageId: z.string(),
    eventType: z.string(),
    status: z.enum(TaskStatuses),
    attempts: z.number().int().min(0),
    lastError: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Task' });

export const TaskPage = z.strictObject({ items: z.array(Task), nextCursor: z.string().nullable() }).meta({ id: 'TaskPage' });

/**
 * GET <path> ?status=pending|processing|complete|failed&consumer=&limit=1..100&cursor=
 * → {items, nextCursor}, newest first: where each consumed message stands (admin).
 */
export function tasksRoute<D extends { db: Knex }>(path: string): Route<D> {
  return defineRoute(
    {
      method: 'get',
      path,
      summary: 'Status of consumed messages, newest first (admin)',
      auth: 'admin',
      request: { query: TasksQuery },
      responses: { 200: { description: 'a page of tasks', schema: TaskPage } },
    },
    (ctx, deps: D) => listTasks(deps.db, ctx.query),
  );
}
