import type { Knex } from 'knex';

/**
 * The cart's copy of each creator's name (cart lines show it), kept by creator.updated.v1
 * and by the creator summary that product events carry. `version` is the profile's own
 * counter from the product service: an older copy never overwrites a newer one. Products
 * point at it by id, without a foreign key: the two arrive in any order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('creator_snapshots', (t) => {
    t.uuid('id').primary();
    t.text('name').notNullable();
    t.text('slug').notNullable();
    t.integer('version').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.alterTable('product_snapshots', (t) => {
    t.uuid('creator_id').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('product_snapshots', (t) => {
    t.dropColumn('creator_id');
  });
  await knex.schema.dropTableIfExists('creator_snapshots');
}
