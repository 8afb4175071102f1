import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  // Who to write to, learnt from user events (order events may carry no address).
  await knex.schema.createTable('email_recipients', (t) => {
    t.uuid('user_id').primary();
    t.text('email').nullable(); // a profile update can arrive before the registration
    t.text('name').nullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // One row per mail, keyed by the event that asked for it. It is written and committed
  // before the SMTP conversation starts, so after a crash the service knows a send may
  // already have happened; the content and Message-ID are fixed at the first attempt, so
  // a resend is the same message, recognisable as such.
  await knex.schema.createTable('outbox_mail', (t) => {
    t.bigIncrements('seq');
    t.text('event_id').notNullable().unique();
    t.text('event_type').notNullable();
    t.text('kind').notNullable();
    t.text('to_address').notNullable();
    t.text('subject').notNullable();
    t.text('text_body').notNullable();
    t.text('html_body').notNullable();
    t.text('message_id').notNullable().unique();
    t.text('status').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error').nullable();
    t.text('smtp_response').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true }).nullable();
    t.index(['status', 'seq']);
  });
  await knex.raw("ALTER TABLE outbox_mail ADD CONSTRAINT outbox_mail_status_check CHECK (status IN ('pending', 'sent', 'failed'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('outbox_mail');
  await knex.schema.dropTableIfExists('email_recipients');
}
