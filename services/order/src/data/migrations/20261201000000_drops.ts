import type { Knex } from 'knex';

/**
 * Drops (the waiting room in front of a hot product). Postgres keeps what a drop IS (its
 * product, schedule, rates and the fairness seed); the queue itself lives in Redis and never
 * touches this table on a join or a poll.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('drops', (t) => {
    t.uuid('id').primary();
    t.uuid('product_id').notNullable();
    t.timestamp('opens_at', { useTz: true }).notNullable();
    t.integer('admit_per_second').notNullable();
    t.integer('hold_seconds').notNullable();
    // Secret until the open; its sha256 is published at creation (the fairness commitment).
    t.text('seed').notNullable();
    t.text('seed_hash').notNullable();
    t.timestamp('opened_at', { useTz: true }).nullable();
    // The pre-queue's ticket ids in the order the shuffle gave them at the open (public once open).
    t.jsonb('pre_queue').nullable();
    t.timestamp('closed_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // One drop at a time per product: the order path gates a product by its one live drop.
  await knex.raw('CREATE UNIQUE INDEX drops_one_live_per_product ON drops (product_id) WHERE closed_at IS NULL');
  await knex.raw('ALTER TABLE drops ADD CONSTRAINT drops_rates_check CHECK (admit_per_second > 0 AND hold_seconds > 0)');

  // The admission-token signing key, shared by every replica (first boot creates it).
  await knex.schema.createTable('drop_signing_keys', (t) => {
    t.text('kid').primary();
    t.jsonb('private_jwk').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('drop_signing_keys');
  await knex.schema.dropTableIfExists('drops');
}
