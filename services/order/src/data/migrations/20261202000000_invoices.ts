import type { Knex } from 'knex';

/**
 * Invoices: one per confirmed order, numbered without gaps per calendar year (UTC). The
 * number comes from the year's counter row (UPDATE ... RETURNING) in the transaction that
 * writes the invoice, never from a sequence: a sequence hands out numbers that a rolled-back
 * transaction then loses, and an invoice series must have no holes. The row lock on the
 * counter serialises issuing within a year, which is the price of a gapless series.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('invoice_counters', (t) => {
    t.integer('year').primary();
    t.integer('last_number').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('invoices', (t) => {
    t.uuid('id').primary();
    t.uuid('order_id').notNullable().unique().references('id').inTable('orders').onDelete('RESTRICT');
    t.uuid('user_id').notNullable();
    t.integer('year').notNullable();
    t.integer('seq').notNullable();
    t.text('number').notNullable().unique();
    t.integer('total').notNullable();
    t.string('currency', 3).notNullable();
    // What the document says, kept as issued: a later change of the seller or the buyer's
    // address does not rewrite an invoice.
    t.jsonb('seller').notNullable();
    t.jsonb('buyer').notNullable();
    t.jsonb('lines').notNullable();
    t.binary('pdf').notNullable();
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.unique(['year', 'seq']);
  });
  await knex.raw('ALTER TABLE invoices ADD CONSTRAINT invoices_seq_check CHECK (seq > 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('invoices');
  await knex.schema.dropTableIfExists('invoice_counters');
}
