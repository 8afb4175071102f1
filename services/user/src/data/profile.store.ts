import type { AnyEvent } from '@shop/contracts';
import type { UnitOfWork } from '@shop/messaging';
import type { ProfileStore } from '../domain/ports.js';
import type { Profile, ProfilePatch } from '../domain/types.js';
import { findProfile, findProfileByEmail, insertProfile, listProfileRows, updateProfileRow } from './profile.repository.js';

/** Profiles and their events, committed together through the unit of work (which kicks the relay). */
export function createProfileStore(uow: UnitOfWork): ProfileStore {
  const { db } = uow;
  return {
    find: (id) => findProfile(db, id),
    findByEmail: (email) => findProfileByEmail(db, email),

    insertIfAbsent: (input, event: (p: Profile) => AnyEvent) =>
      uow.run(async ({ trx, outbox }) => {
        const inserted = await insertProfile(trx, input);
        if (!inserted) return { profile: (await findProfile(trx, input.id))!, created: false };
        await outbox.add(event(inserted));
        return { profile: inserted, created: true };
      }),

    update: (id: string, patch: ProfilePatch, event: (p: Profile) => AnyEvent) =>
      uow.run(async ({ trx, outbox }) => {
        const row = await updateProfileRow(trx, id, patch);
        if (row) await outbox.add(event(row));
        return row;
      }),

    list: (limit, cursor) => listProfileRows(db, limit, cursor),
  };
}
