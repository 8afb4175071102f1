import type { Knex } from 'knex';

/** A payment attempt remembers the trace it was made in; the payment worker's charge continues it. */
export async function up(knex: Knex): Promise<void> {
  if (await knex.schema.hasColumn('payment_attempts', 'traceparent')) return;
  await knex.schema.alterTable('payment_attempts', (t) => t.text('traceparent').nullable());
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('payment_attempts', (t) => t.dropColumn('traceparent'));
}
