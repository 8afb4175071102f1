import type { Knex } from 'knex';

export const TaskStatuses = ['pending', 'processing', 'complete', 'failed'] as const;
export type TaskStatus = (typeof TaskStatuses)[number];

export interface TaskKey {
  consumer: string;
  messageId: string;
  eventType: string;
}

export interface Task {
  id: string;
  consumer: string;
  messageId: string;
  eventType: string;
  status: TaskStatus;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  updatedAt: string;
}

interface TaskRow {
  id: string;
  consumer: string;
  message_id: string;
  event_type: string;
  status: TaskStatus;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

const toTask = (r: TaskRow): Task => ({
  id: String(r.id),
  consumer: r.consumer,
  messageId: r.message_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/**
 * Records where one message stands. A finished task never moves back: a redelivered
 * duplicate of a complete message leaves it complete.
 */
export async function setTaskStatus(
  db: Knex | Knex.Transaction,
  key: TaskKey,
  status: TaskStatus,
  options: { lastError?: string | null; countAttempt?: boolean } = {},
): Promise<void> {
  await setTaskStatuses(db, [key], status, options);
}

export async function getTask(db: Knex, consumer: string, messageId: string): Promise<Task | undefined> {
  const row = await db<TaskRow>('tasks').where({ consumer, message_id: messageId }).first();
  return row ? toTask(row) : undefined;
}

export async function listTasks(
  db: Knex,
  query: { status?: TaskStatus; consumer?: string; limit: number; cursor?: string },
): Promise<{ items: Task[]; nextCursor: string | null }> {
  const q = db<TaskRow>('tasks').orderBy('id', 'desc').limit(query.limit + 1);
  if (query.status) q.where('status', query.status);
  if (query.consumer) q.where('consumer', query.consumer);
  if (query.cursor) q.where('id', '<', query.cursor);
  const rows = await q;
  const page = rows.slice(0, query.limit).map(toTask);
  const nextCursor = rows.length > query.limit ? page[page.length - 1].id : null;
  return { items: page, nextCursor };
}

/** setTaskStatus for many messages of one consumer in one statement (keys sorted: no deadlocks). */
export async function setTaskStatuses(
  db: Knex | Knex.Transaction,
  keys: readonly TaskKey[],
  status: TaskStatus,
  options: { lastError?: string | null; countAttempt?: boolean } = {},
): Promise<void> {
  if (keys.length === 0) return;
  const rows = [...keys]
    .sort((a, b) => (a.consumer === b.consumer ? cmp(a.messageId, b.messageId) : cmp(a.consumer, b.consumer)))
    .map((key) => ({
      consumer: key.consumer,
      message_id: key.messageId,
      event_type: key.eventType,
      status,
      attempts: options.countAttempt ? 1 : 0,
      last_error: options.lastError ?? null,
    }));
  const merge: Record<string, unknown> = { status, updated_at: db.fn.now() };
  if (options.countAttempt) merge.attempts = db.raw('tasks.attempts + 1');
  if (options.lastError !== undefined) merge.last_error = options.lastError;
  await db('tasks').insert(rows).onConflict(['consumer', 'message_id']).merge(merge).where('tasks.status', '<>', 'complete');
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
