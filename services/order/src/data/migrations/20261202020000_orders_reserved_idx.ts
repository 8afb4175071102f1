import type { Knex } from 'knex';

/** RESERVED orders for the metrics (shop_orders_reserved and the oldest's age), as orders_pending_idx does for PENDING. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX IF NOT EXISTS orders_reserved_idx ON orders (updated_at) WHERE status = 'RESERVED'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS orders_reserved_idx');
}
