import type { Knex } from 'knex';

/**
 * The messaging tables every service needs. A service adds a knex migration file:
 *   import { messagingMigration } from '@shop/messaging';
 *   export const { up, down } = messagingMigration;
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('outbox', (t) => {
    t.uuid('id').primary();
    t.text('type').notNullable();
    t.jsonb('payload').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('published_at', { useTz: true }).nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
  });
  // The relay only ever reads unpublished rows: keep that index tiny.
  await knex.raw('CREATE INDEX outbox_unpublished_idx ON outbox (created_at) WHERE published_at IS NULL');

  await knex.schema.createTable('inbox', (t) => {
    t.text('consumer').notNullable();
    t.text('message_id').notNullable();
    t.timestamp('processed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['consumer', 'message_id']);
  });

  await knex.schema.createTable('tasks', (t) => {
    t.bigIncrements('id');
    t.text('consumer').notNullable();
    t.text('message_id').notNullable();
    t.text('event_type').notNullable();
    t.text('status').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['consumer', 'message_id']);
    t.index(['status']);
  });
  await knex.raw(
    "ALTER TABLE tasks ADD CONSTRAINT tasks_status_check CHECK (status IN ('pending', 'processing', 'complete', 'failed'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('tasks');
  await knex.schema.dropTableIfExists('inbox');
  await knex.schema.dropTableIfExists('outbox');
}

export const messagingMigration = { up, down };

/**
 * The outbox row remembers the trace it was written in (W3C traceparent), so the relay's
 * publish continues the request's or message's trace. A service adds a migration file:
 *   import { outboxTraceMigration } from '@shop/messaging';
 *   export const { up, down } = outboxTraceMigration;
 */
export const outboxTraceMigration = {
  async up(knex: Knex): Promise<void> {
    if (await knex.schema.hasColumn('outbox', 'traceparent')) return;
    await knex.schema.alterTable('outbox', (t) => t.text('traceparent').nullable());
  },
  async down(knex: Knex): Promise<void> {
    await knex.schema.alterTable('outbox', (t) => t.dropColumn('traceparent'));
  },
};
