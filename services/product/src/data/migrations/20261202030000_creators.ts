import type { Knex } from 'knex';

// Millisecond timestamps, as in the catalog (cursors compare against JS Dates).
const nowMs = "date_trunc('milliseconds', now())";

/**
 * Creators (the brand or person behind a drop) and the product's optional link to one.
 * `version` counts the profile's changes: copies in other services keep the newest only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('creators', (t) => {
    t.uuid('id').primary();
    t.text('slug').notNullable().unique();
    t.text('name').notNullable();
    t.text('bio').nullable();
    t.text('avatar_url').nullable();
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.raw(nowMs));
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.raw(nowMs));
  });
  await knex.raw('ALTER TABLE creators ADD CONSTRAINT creators_version_check CHECK (version >= 1)');

  await knex.schema.alterTable('products', (t) => {
    t.uuid('creator_id').nullable().references('id').inTable('creators');
  });
  // A creator's products: the filter ?creator= and the cache fan-out of a profile change.
  await knex.raw('CREATE INDEX products_creator_idx ON products (creator_id) WHERE creator_id IS NOT NULL');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('products', (t) => {
    t.dropColumn('creator_id');
  });
  await knex.schema.dropTableIfExists('creators');
}
