import type { Knex } from 'knex';

/** One row per shopper; `id` is the Keycloak user id (token `sub`), email is Keycloak's. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('profiles', (t) => {
    t.uuid('id').primary();
    t.text('email').notNullable();
    t.text('name').notNullable();
    t.text('phone').nullable();
    t.jsonb('shipping_address').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX profiles_email_idx ON profiles (lower(email))');
  // Admin listing pages through (created_at, id).
  await knex.raw('CREATE INDEX profiles_created_idx ON profiles (created_at DESC, id DESC)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('profiles');
}
