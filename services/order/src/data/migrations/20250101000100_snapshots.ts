import type { Knex } from 'knex';

/** Read models kept by product and user events; `source_at` orders late or replayed events. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('product_snapshots', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.integer('price').notNullable();
    t.string('currency', 3).notNullable();
    t.text('status').notNullable();
    t.integer('max_per_customer').nullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.timestamp('source_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE product_snapshots ADD CONSTRAINT product_snapshots_price_check CHECK (price >= 0)');

  await knex.schema.createTable('customer_snapshots', (t) => {
    t.uuid('user_id').primary();
    t.text('email').nullable();
    t.text('name').nullable();
    t.text('phone').nullable();
    t.jsonb('shipping_address').nullable();
    t.timestamp('source_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('customer_snapshots');
  await knex.schema.dropTableIfExists('product_snapshots');
}
