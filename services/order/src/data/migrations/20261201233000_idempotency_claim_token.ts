import type { Knex } from 'knex';

/**
 * The fence of an idempotency claim (issue 10 #7): each claim, and each takeover of a stale
 * one, writes a new token, and a request completes or releases the key only while the token
 * is still its own. Rows from before have none; their requests finished long ago.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.uuid('claim_token').nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('idempotency_keys', (t) => {
    t.dropColumn('claim_token');
  });
}
