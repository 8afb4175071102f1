import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stock', (t) => {
    t.uuid('product_id').primary();
    t.integer('available').notNullable().defaultTo(0);
    t.integer('reserved').notNullable().defaultTo(0);
    t.integer('sold').notNullable().defaultTo(0);
    t.integer('added').notNullable().defaultTo(0);
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // The database itself refuses negative stock and any row that does not add up.
  await knex.raw(`
    ALTER TABLE stock
      ADD CONSTRAINT stock_available_nonnegative CHECK (available >= 0),
      ADD CONSTRAINT stock_reserved_nonnegative CHECK (reserved >= 0),
      ADD CONSTRAINT stock_sold_nonnegative CHECK (sold >= 0),
      ADD CONSTRAINT stock_conserved CHECK (added = available + reserved + sold)`);

  await knex.schema.createTable('reservations', (t) => {
    t.uuid('id').primary();
    t.uuid('order_id').notNullable().unique();
    t.text('status').notNullable();
    t.text('reason').nullable();
    t.specificType('rejected_product_ids', 'uuid[]').nullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // rejected: the order asked for more than there was; it holds nothing and stays as the
  // answer for any later message about the same order.
  await knex.raw(`ALTER TABLE reservations ADD CONSTRAINT reservations_status_check
    CHECK (status IN ('held', 'committed', 'released', 'expired', 'rejected'))`);
  // The sweeper's query: only held rows, oldest expiry first.
  await knex.raw(`CREATE INDEX reservations_held_expiry_idx ON reservations (expires_at) WHERE status = 'held'`);

  await knex.schema.createTable('reservation_lines', (t) => {
    t.uuid('reservation_id').notNullable().references('id').inTable('reservations').onDelete('CASCADE');
    t.uuid('product_id').notNullable();
    t.integer('quantity').notNullable();
    t.primary(['reservation_id', 'product_id']);
  });
  await knex.raw('ALTER TABLE reservation_lines ADD CONSTRAINT reservation_lines_quantity_positive CHECK (quantity > 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reservation_lines');
  await knex.schema.dropTableIfExists('reservations');
  await knex.schema.dropTableIfExists('stock');
}
