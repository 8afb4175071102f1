import type { Knex } from 'knex';

// Timestamps are kept at millisecond precision so that a cursor built from a JS Date
// (milliseconds) compares exactly against the stored value.
const nowMs = "date_trunc('milliseconds', now())";

export async function up(knex: Knex): Promise<void> {
  // pg_trgm is a trusted extension: the database owner may create it.
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');

  await knex.schema.createTable('categories', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.text('slug').notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.raw(nowMs));
  });

  await knex.schema.createTable('products', (t) => {
    t.uuid('id').primary();
    t.text('sku').notNullable().unique();
    t.text('name').notNullable();
    t.text('description').nullable();
    t.integer('price').notNullable();
    t.specificType('currency', 'char(3)').notNullable();
    t.uuid('category_id').nullable().references('id').inTable('categories');
    t.text('image_url').nullable();
    t.integer('max_per_customer').nullable();
    t.text('status').notNullable().defaultTo('active');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.raw(nowMs));
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.raw(nowMs));
    t.timestamp('deleted_at', { useTz: true }).nullable();
  });
  await knex.raw(`
    ALTER TABLE products
      ADD CONSTRAINT products_price_check CHECK (price >= 0),
      ADD CONSTRAINT products_currency_check CHECK (currency ~ '^[A-Z]{3}$'),
      ADD CONSTRAINT products_max_per_customer_check CHECK (max_per_customer IS NULL OR max_per_customer >= 1),
      ADD CONSTRAINT products_status_check CHECK (status IN ('active', 'deleted')),
      ADD COLUMN search_text text GENERATED ALWAYS AS (lower(sku || ' ' || name || ' ' || coalesce(description, ''))) STORED
  `);
  // Keyset pagination walks one of these per sort; only live products are ever listed.
  await knex.raw("CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC) WHERE status = 'active'");
  await knex.raw("CREATE INDEX products_price_idx ON products (price, id) WHERE status = 'active'");
  await knex.raw("CREATE INDEX products_name_idx ON products (name, id) WHERE status = 'active'");
  await knex.raw('CREATE INDEX products_category_idx ON products (category_id)');
  await knex.raw('CREATE INDEX products_search_trgm_idx ON products USING gin (search_text gin_trgm_ops)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('products');
  await knex.schema.dropTableIfExists('categories');
}
