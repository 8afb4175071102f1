import type { Knex } from 'knex';

/**
 * Whether an order's shipping address came from the customer's profile (and so follows it) or
 * from the order's own body (issue 10 #3: a profile change used to overwrite it, even to null).
 * Orders from before cannot say; those whose address is missing or still equals the profile's
 * are taken to be the profile's, the rest keep their own.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.boolean('shipping_address_from_profile').notNullable().defaultTo(false);
  });
  await knex.raw(`UPDATE orders o SET shipping_address_from_profile = true
    WHERE o.shipping_address IS NULL
       OR EXISTS (SELECT 1 FROM customer_snapshots c WHERE c.user_id = o.user_id AND c.shipping_address = o.shipping_address)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropColumn('shipping_address_from_profile');
  });
}
