import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // The cart's own copy of what it needs from the catalog, kept fresh by product events.
  // `version_at` is the occurredAt of the event that wrote the row: an older event never
  // overwrites a newer one, and a deleted product stays a tombstone so a late update
  // cannot bring it back.
  await knex.schema.createTable('product_snapshots', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.integer('price').notNullable();
    t.string('currency', 3).notNullable();
    t.text('status').notNullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.timestamp('version_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('ALTER TABLE product_snapshots ADD CONSTRAINT product_snapshots_price_nonnegative CHECK (price >= 0)');

  // user_id null: a guest cart, reachable by its id alone. Otherwise the user's one cart.
  await knex.schema.createTable('carts', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').nullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // The sweeper's query: old guest carts only.
  await knex.raw('CREATE INDEX carts_guest_updated_idx ON carts (updated_at) WHERE user_id IS NULL');

  await knex.schema.createTable('cart_items', (t) => {
    t.uuid('cart_id').notNullable().references('id').inTable('carts').onDelete('CASCADE');
    t.uuid('product_id').notNullable();
    t.integer('quantity').notNullable();
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['cart_id', 'product_id']);
    t.index(['product_id']);
  });
  await knex.raw('ALTER TABLE cart_items ADD CONSTRAINT cart_items_quantity_range CHECK (quantity BETWEEN 1 AND 99)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('cart_items');
  await knex.schema.dropTableIfExists('carts');
  await knex.schema.dropTableIfExists('product_snapshots');
}
