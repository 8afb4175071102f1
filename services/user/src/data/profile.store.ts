import type { AnyEvent } from '@shop/contracts';
import type { Db } from '@shop/db';
import { enqueueEvent } from '@shop/messaging';
import type { ProfileStore } from '../domain/ports.js';
import type { Profile, ProfilePatch } from '../domain/types.js';
import { findProfile, insertProfile, listProfileRows, updateProfileRow } from './profile.repository.js';

/** Profiles and their events, committed together; the relay is kicked after each commit. */
export function createProfileStore(db: Db, afterCommit: () => void): ProfileStore {
  return {
    find: (id) => findProfile(db, id),

    async insertIfAbsent(input, event: (p: Profile) => AnyEvent) {
      const result = await db.transaction(async (trx) => {
        const inserted = await insertProfile(trx, input);
        if (!inserted) return { profile: (await findProfile(trx, input.id))!, created: false };
        await enqueueEvent(trx, event(inserted));
        return { profile: inserted, created: true };
      });
      if (result.created) afterCommit();
      return result;
    },

    async update(id: string, patch: ProfilePatch, event: (p: Profile) => AnyEvent) {
      const updated = await db.transaction(async (trx) => {
        const row = await updateProfileRow(trx, id, patch);
        if (row) await enqueueEvent(trx, event(row));
        return row;
      });
      if (updated) afterCommit();
      return updated;
    },

    list: (limit, cursor) => listProfileRows(db, limit, cursor),
  };
}
