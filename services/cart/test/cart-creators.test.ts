import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EventData } from '@shop/contracts';
import { getTask } from '@shop/messaging';
import { waitFor } from '@shop/testing';
import { CREATOR_QUEUE } from '../src/messaging/creator.consumer.js';
import { PRODUCT_QUEUE } from '../src/messaging/product.consumer.js';
import { event, guestCart, startCart, type CartHarness } from './harness.js';

let h: CartHarness;

beforeAll(async () => {
  h = await startCart();
});
afterAll(async () => {
  await h?.close();
});

const taskDone = (consumer: string, id: string) =>
  waitFor(async () => (await getTask(h.db, consumer, id))?.status === 'complete', { what: `task ${id} complete` });

type Profile = EventData<'creator.updated.v1'>;
const profile = (creatorId: string, version: number, name: string): Profile => ({ creatorId, name, slug: `c-${creatorId.slice(0, 8)}`, version, bio: null, avatarUrl: null });
const summary = ({ creatorId, name, slug, version }: Profile) => ({ creatorId, name, slug, version });

/** Publishes a creator's profile and waits until the cart's consumer has handled it. */
async function publishCreator(p: Profile, options: { id?: string } = {}) {
  const e = event('creator.updated.v1', p, options);
  await h.bus.publish(e);
  await taskDone(CREATOR_QUEUE, e.id);
  return e;
}

async function cartWith(...productIds: string[]): Promise<string> {
  const cartId = await guestCart(h);
  for (const productId of productIds) expect((await h.call('POST', '/api/cart/items', { cartId, body: { productId, quantity: 1 } })).status).toBe(200);
  return cartId;
}

const creatorsOf = async (cartId: string) =>
  (await h.call('GET', '/api/cart', { cartId })).body.items.map((i: { productId: string; creator: unknown }) => [i.productId, i.creator]);

describe('creators on cart lines', () => {
  it("when a product names a creator, then its cart line shows the creator; a product without one shows null", async () => {
    const creatorId = randomUUID();
    const p = await h.product({ creator: summary(profile(creatorId, 1, 'Nova Studio')) });
    const plain = await h.product();
    const cartId = await cartWith(p, plain);
    expect(await creatorsOf(cartId)).toEqual([
      [p, { id: creatorId, name: 'Nova Studio', slug: `c-${creatorId.slice(0, 8)}` }],
      [plain, null],
    ]);
  });

  it("when creator.updated.v1 renames a creator, then every open cart's lines of its products show the new name", async () => {
    const creatorId = randomUUID();
    const first = profile(creatorId, 1, 'Pixel Arcade');
    const [a, b] = [await h.product({ creator: summary(first) }), await h.product({ creator: summary(first) })];
    const other = await h.product({ creator: summary(profile(randomUUID(), 1, 'Someone else')) });
    const carts = [await cartWith(a, other), await cartWith(b), await cartWith(a, b)];

    await publishCreator(profile(creatorId, 2, 'Pixel Arcade Live'));

    for (const cartId of carts) {
      const names = (await h.call('GET', '/api/cart', { cartId })).body.items.map((i: { productId: string; creator: { name: string } }) => [i.productId, i.creator.name]);
      for (const [productId, name] of names) expect({ productId, name }).toEqual({ productId, name: productId === other ? 'Someone else' : 'Pixel Arcade Live' });
    }
    expect(await h.db('creator_snapshots').where({ id: creatorId }).first()).toMatchObject({ name: 'Pixel Arcade Live', version: 2 });
  });

  it('when profiles arrive out of order, then the newest version stays, also against a product event carrying an older summary', async () => {
    const creatorId = randomUUID();
    const p = await h.product({ creator: summary(profile(creatorId, 1, 'v1')) });
    const cartId = await cartWith(p);
    await publishCreator(profile(creatorId, 3, 'v3'));
    await publishCreator(profile(creatorId, 2, 'v2'));
    // A product change committed before the rename, delivered after it.
    const late = event('product.updated.v1', {
      productId: p, sku: `SKU-${p.slice(0, 8)}`, name: 'Test product', price: 1500, currency: 'EUR', status: 'ACTIVE', creator: summary(profile(creatorId, 1, 'v1')),
    }, { occurredAt: new Date(Date.now() + 1_000) });
    await h.bus.publish(late);
    await taskDone(PRODUCT_QUEUE, late.id);

    const [line] = (await h.call('GET', '/api/cart', { cartId })).body.items;
    expect(line).toMatchObject({ unitPrice: 1500, creator: { id: creatorId, name: 'v3' } });
  });

  it('when a profile is redelivered after a newer one, then nothing changes (inbox and version)', async () => {
    const creatorId = randomUUID();
    const p = await h.product({ creator: summary(profile(creatorId, 1, 'first')) });
    const cartId = await cartWith(p);
    const v2 = await publishCreator(profile(creatorId, 2, 'second'));
    await publishCreator(profile(creatorId, 3, 'third'));
    await h.bus.publish(v2); // the same message again, as a broker redelivers it
    const marker = await publishCreator(profile(randomUUID(), 1, 'marker')); // handled after the redelivery
    expect((await getTask(h.db, CREATOR_QUEUE, marker.id))?.status).toBe('complete');
    expect((await creatorsOf(cartId))[0][1]).toMatchObject({ name: 'third' });
    expect(await h.db('inbox').where({ consumer: CREATOR_QUEUE, message_id: v2.id }).count<{ n: number }[]>({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('when a product moves to another creator or loses it, then its line follows', async () => {
    const [x, y] = [randomUUID(), randomUUID()];
    const p = await h.product({ creator: summary(profile(x, 1, 'X')) });
    const cartId = await cartWith(p);
    const base = { productId: p, sku: `SKU-${p.slice(0, 8)}`, name: 'Test product', price: 1000, currency: 'EUR', status: 'ACTIVE' as const };
    const moved = event('product.updated.v1', { ...base, creator: summary(profile(y, 4, 'Y')) }, { occurredAt: new Date(Date.now() + 1_000) });
    await h.bus.publish(moved);
    await taskDone(PRODUCT_QUEUE, moved.id);
    expect((await creatorsOf(cartId))[0][1]).toMatchObject({ id: y, name: 'Y' });
    const cleared = event('product.updated.v1', { ...base, creator: null }, { occurredAt: new Date(Date.now() + 2_000) });
    await h.bus.publish(cleared);
    await taskDone(PRODUCT_QUEUE, cleared.id);
    expect((await creatorsOf(cartId))[0][1]).toBeNull();
  });

  it('when a creator event is malformed or sent by another service, then it is refused and no copy changes', async () => {
    const creatorId = randomUUID();
    await publishCreator(profile(creatorId, 1, 'kept'));
    const bad = { ...event('creator.updated.v1', profile(creatorId, 2, 'bad')), data: { creatorId, name: 'bad', version: 0 } };
    await h.bus.publish(bad);
    await waitFor(async () => (await getTask(h.db, CREATOR_QUEUE, bad.id))?.status === 'failed', { what: 'malformed event failed' });

    const forged = event('creator.updated.v1', profile(creatorId, 9, 'forged'));
    await (await h.bus.as('order')).publish(forged).catch(() => undefined); // the broker may refuse it already
    const marker = await publishCreator(profile(randomUUID(), 1, 'marker'));
    expect((await getTask(h.db, CREATOR_QUEUE, marker.id))?.status).toBe('complete');
    expect(await h.db('creator_snapshots').where({ id: creatorId }).first()).toMatchObject({ name: 'kept', version: 1 });
  });
});
