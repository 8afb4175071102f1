import type { DbOrTx } from '@shop/db';
import type { CustomerStore } from '../domain/ports.js';
import type { Address, CustomerSnapshot } from '../domain/types.js';

export function customerSnapshotRepository(db: DbOrTx): CustomerStore {
  return {
    find: (userId) => findCustomer(db, userId),
    upsertRegistered: (customer, sourceAt) => upsertRegistered(db, customer, sourceAt),
    upsertProfile: (customer, sourceAt) => upsertProfile(db, customer, sourceAt),
  };
}

/** From user.registered.v1: the email always sticks; the name only if nothing newer wrote it. */
async function upsertRegistered(trx: DbOrTx, c: { userId: string; email: string; name: string }, sourceAt: Date): Promise<void> {
  await trx.raw(
    `insert into customer_snapshots (user_id, email, name, source_at) values (?, ?, ?, ?)
     on conflict (user_id) do update set
       email = excluded.email,
       name = case when customer_snapshots.source_at <= excluded.source_at then excluded.name else customer_snapshots.name end,
       source_at = greatest(customer_snapshots.source_at, excluded.source_at),
       updated_at = now()`,
    [c.userId, c.email, c.name, sourceAt],
  );
}

/** From user.profile_updated.v1; false when a newer profile event was already applied. */
async function upsertProfile(
  trx: DbOrTx,
  c: { userId: string; name: string; phone: string | null; shippingAddress: Address | null },
  sourceAt: Date,
): Promise<boolean> {
  const result = await trx.raw(
    `insert into customer_snapshots (user_id, name, phone, shipping_address, source_at) values (?, ?, ?, ?::jsonb, ?)
     on conflict (user_id) do update set
       name = excluded.name, phone = excluded.phone, shipping_address = excluded.shipping_address,
       source_at = excluded.source_at, updated_at = now()
     where customer_snapshots.source_at <= excluded.source_at
     returning user_id`,
    [c.userId, c.name, c.phone, c.shippingAddress ? JSON.stringify(c.shippingAddress) : null, sourceAt],
  );
  return result.rows.length > 0;
}

async function findCustomer(db: DbOrTx, userId: string): Promise<CustomerSnapshot | undefined> {
  const r = await db('customer_snapshots').where('user_id', userId).first();
  if (!r) return undefined;
  return { userId: r.user_id, email: r.email, name: r.name, phone: r.phone, shippingAddress: r.shipping_address };
}
