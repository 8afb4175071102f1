import type { Knex } from 'knex';

/**
 * Recommendations (GET /api/products/:id/recommendations), from the product service's own data:
 * - co_purchases: confirmed orders that had both products, kept in both directions so one
 *   index walk answers "bought together with X"; fed by order.confirmed.v1 (inbox), never by
 *   reading the order service's database;
 * - product_sales: confirmed orders per product (the tie-break of "similar");
 * - counted_orders: each order counts once, even if it came again under another event id;
 * - products.search_doc: the full-text document that "similar" ranks by.
 * No foreign keys to products: an event is a fact about the past; a deleted (or never seen)
 * product's rows are harmless and filtered out when read.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('co_purchases', (t) => {
    t.uuid('product_id').notNullable();
    t.uuid('other_id').notNullable();
    t.integer('orders').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['product_id', 'other_id']);
  });
  await knex.raw(`
    ALTER TABLE co_purchases
      ADD CONSTRAINT co_purchases_pair_check CHECK (product_id <> other_id),
      ADD CONSTRAINT co_purchases_orders_check CHECK (orders > 0)
  `);
  await knex.raw('CREATE INDEX co_purchases_top_idx ON co_purchases (product_id, orders DESC, other_id)');

  await knex.schema.createTable('product_sales', (t) => {
    t.uuid('product_id').primary();
    t.integer('orders').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE product_sales ADD CONSTRAINT product_sales_orders_check CHECK (orders > 0)');

  await knex.schema.createTable('counted_orders', (t) => {
    t.uuid('order_id').primary();
    t.timestamp('counted_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Name first (weight A), then the description (B); English stemming, so "hoodies" meets "hoodie".
  await knex.raw(`
    ALTER TABLE products ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english'::regconfig, name), 'A') ||
      setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'B')
    ) STORED
  `);
  await knex.raw('CREATE INDEX products_search_doc_idx ON products USING gin (search_doc)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS products_search_doc_idx');
  await knex.raw('ALTER TABLE products DROP COLUMN IF EXISTS search_doc');
  await knex.schema.dropTableIfExists('counted_orders');
  await knex.schema.dropTableIfExists('product_sales');
  await knex.schema.dropTableIfExists('co_purchases');
}
