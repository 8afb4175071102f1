import type { Knex } from 'knex';

const STATUSES = "'PENDING', 'RESERVED', 'CONFIRMED', 'REJECTED', 'CANCELLED', 'EXPIRED'";

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orders', (t) => {
    t.uuid('id').primary();
    t.uuid('user_id').notNullable();
    t.text('email').nullable();
    t.text('status').notNullable();
    t.integer('total').notNullable();
    t.string('currency', 3).notNullable();
    t.text('payment_token').notNullable();
    // True when the lines took units from the sale gate, which then get them back if the order fails.
    t.boolean('gate_passed').notNullable().defaultTo(false);
    t.text('shipping_name').nullable();
    t.text('shipping_phone').nullable();
    t.jsonb('shipping_address').nullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE orders
    ADD CONSTRAINT orders_status_check CHECK (status IN (${STATUSES})),
    ADD CONSTRAINT orders_total_check CHECK (total >= 0)`);
  // Owner listings (newest first, keyset) and the admin listing.
  await knex.raw('CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC)');
  await knex.raw('CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC)');
  await knex.raw(`CREATE INDEX orders_pending_idx ON orders (status) WHERE status = 'PENDING'`);

  await knex.schema.createTable('order_lines', (t) => {
    t.uuid('order_id').notNullable().references('id').inTable('orders').onDelete('CASCADE');
    t.uuid('product_id').notNullable();
    t.text('name').notNullable();
    t.integer('unit_price').notNullable();
    t.integer('quantity').notNullable();
    t.primary(['order_id', 'product_id']);
  });
  await knex.raw(`ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_quantity_check CHECK (quantity > 0),
    ADD CONSTRAINT order_lines_price_check CHECK (unit_price >= 0)`);
  await knex.raw('CREATE INDEX order_lines_product_idx ON order_lines (product_id)');

  await knex.schema.createTable('order_status_history', (t) => {
    t.bigIncrements('id');
    t.uuid('order_id').notNullable().references('id').inTable('orders').onDelete('CASCADE');
    t.text('status').notNullable();
    t.text('reason').nullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['order_id', 'id']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.uuid('user_id').notNullable();
    t.string('key', 255).notNullable();
    t.string('request_hash', 64).notNullable();
    t.text('state').notNullable();
    t.integer('response_status').nullable();
    t.jsonb('response_body').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'key']);
    t.index(['created_at']);
  });
  await knex.raw(`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_state_check CHECK (state IN ('in_flight', 'done'))`);

  // One charge per order: the row is written before the provider is called.
  await knex.schema.createTable('payment_attempts', (t) => {
    t.uuid('order_id').primary().references('id').inTable('orders').onDelete('CASCADE');
    t.integer('amount').notNullable();
    t.string('currency', 3).notNullable();
    t.text('token').notNullable();
    t.text('status').notNullable();
    t.text('reason').nullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('claimed_until', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_status_check
    CHECK (status IN ('PENDING', 'CHARGING', 'APPROVED', 'DECLINED', 'VOID', 'REFUND_REQUIRED'))`);
  await knex.raw(`CREATE INDEX payment_attempts_open_idx ON payment_attempts (created_at) WHERE status IN ('PENDING', 'CHARGING')`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['payment_attempts', 'idempotency_keys', 'order_status_history', 'order_lines', 'orders']) {
    await knex.schema.dropTableIfExists(table);
  }
}
