import type { Knex } from 'knex';

/** The order expiry looks for RESERVED orders past their expires_at every few seconds (expireOrders). */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX IF NOT EXISTS orders_reserved_expiry_idx ON orders (expires_at) WHERE status = 'RESERVED'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS orders_reserved_expiry_idx');
}
