import type { DbOrTx } from '@shop/db';
import type { RecipientRepository } from '../domain/ports.js';

export function recipientRepository(db: DbOrTx): RecipientRepository {
  return {
    async saveRegistered({ userId, email, name }) {
      // A profile update that overtook the registration keeps its (newer) name.
      await db('email_recipients')
        .insert({ user_id: userId, email, name })
        .onConflict('user_id')
        .merge({ email, name: db.raw('coalesce(email_recipients.name, excluded.name)'), updated_at: db.fn.now() } as Record<string, unknown>);
    },

    async saveName(userId, name) {
      await db('email_recipients')
        .insert({ user_id: userId, name })
        .onConflict('user_id')
        .merge({ name, updated_at: db.fn.now() });
    },

    async find(userId) {
      const row = await db('email_recipients').where({ user_id: userId }).first();
      return row ? { userId: row.user_id, email: row.email, name: row.name } : undefined;
    },
  };
}
