import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { everyPage, productInput, productSuite, unique } from './product-app.js';

const t = productSuite();

const creatorInput = (over: Record<string, unknown> = {}) => ({ slug: unique('c-'), name: 'Nova Studio', bio: 'Two people, one run.', avatarUrl: 'https://img.example.com/nova.png', ...over });
const newCreator = async (over: Record<string, unknown> = {}) => {
  const res = await t.app.call('POST', '/api/creators', { token: t.admin, body: creatorInput(over) });
  expect(res.status).toBe(201);
  return res.body as { id: string; slug: string; name: string; version: number };
};
const creatorEvents = (id: string) =>
  t.app.db('outbox').where({ type: 'creator.updated.v1' }).whereRaw("payload->'data'->>'creatorId' = ?", [id]).orderBy('created_at');

describe('creator profiles', () => {
  it('when an admin creates, reads, lists and changes a creator, then each step answers as documented and emits creator.updated.v1 with the next version', async () => {
    const input = creatorInput();
    const created = await t.app.call('POST', '/api/creators', { token: t.admin, body: input });
    expect(created.status).toBe(201);
    t.check('POST', '/api/creators', 201, created.body);
    expect(created.body).toMatchObject({ ...input, version: 1 });
    expect(created.headers.get('location')).toBe(`/api/creators/${created.body.id}`);
    const id = created.body.id as string;

    const read = await t.app.call('GET', `/api/creators/${id}`); // public: no token
    expect(read.status).toBe(200);
    t.check('GET', '/api/creators/{id}', 200, read.body);
    expect(read.body).toEqual(created.body);

    const changed = await t.app.call('PATCH', `/api/creators/${id}`, { token: t.admin, body: { name: 'Nova Studio Berlin', bio: null } });
    expect(changed.status).toBe(200);
    t.check('PATCH', '/api/creators/{id}', 200, changed.body);
    expect(changed.body).toMatchObject({ id, slug: input.slug, name: 'Nova Studio Berlin', bio: null, avatarUrl: input.avatarUrl, version: 2 });
    expect((await t.app.call('GET', `/api/creators/${id}`)).body.name).toBe('Nova Studio Berlin');

    const events = await creatorEvents(id);
    expect(events.map((e) => e.payload.data)).toEqual([
      { creatorId: id, slug: input.slug, name: 'Nova Studio', bio: input.bio, avatarUrl: input.avatarUrl, version: 1 },
      { creatorId: id, slug: input.slug, name: 'Nova Studio Berlin', bio: null, avatarUrl: input.avatarUrl, version: 2 },
    ]);

    const pages = await everyPage(t.app, '/api/creators', { token: t.admin });
    for (const page of pages) t.check('GET', '/api/creators', 200, page.body);
    expect(pages.flatMap((p) => p.body.items.map((c: { id: string }) => c.id))).toContain(id);
  });

  it('when creators are listed a page at a time, then the pages follow each other by slug without overlap', async () => {
    const prefix = unique('pg-');
    await Promise.all(['a', 'b', 'c'].map((s) => newCreator({ slug: `${prefix}-${s}` })));
    const first = await t.app.call('GET', '/api/creators?limit=1', { token: t.admin });
    const seen: string[] = [];
    let cursor: string | null = first.body.nextCursor;
    seen.push(...first.body.items.map((c: { slug: string }) => c.slug));
    while (cursor && seen.filter((s) => s.startsWith(prefix)).length < 3) {
      const next = await t.app.call('GET', `/api/creators?limit=50&cursor=${cursor}`, { token: t.admin });
      seen.push(...next.body.items.map((c: { slug: string }) => c.slug));
      cursor = next.body.nextCursor;
    }
    expect(seen.filter((s) => s.startsWith(prefix))).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await t.app.call('GET', '/api/creators?cursor=nope', { token: t.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_CURSOR');
  });

  it('when the slug is taken, then create and patch answer 409 SLUG_TAKEN and change nothing', async () => {
    const a = await newCreator();
    const again = await t.app.call('POST', '/api/creators', { token: t.admin, body: creatorInput({ slug: a.slug }) });
    expect(again.status).toBe(409);
    t.check('POST', '/api/creators', 409, again.body);
    expect(again.body.error.code).toBe('SLUG_TAKEN');

    const b = await newCreator();
    const clash = await t.app.call('PATCH', `/api/creators/${b.id}`, { token: t.admin, body: { slug: a.slug } });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('SLUG_TAKEN');
    expect((await t.app.call('GET', `/api/creators/${b.id}`)).body).toMatchObject({ slug: b.slug, version: 1 });
    expect(await creatorEvents(b.id)).toHaveLength(1);
  });

  const bad: Array<[string, Record<string, unknown>]> = [
    ['an unknown field', creatorInput({ website: 'https://x.example.com' })],
    ['an upper-case slug', creatorInput({ slug: 'Nova-Studio' })],
    ['a slug with spaces', creatorInput({ slug: 'nova studio' })],
    ['an empty name', creatorInput({ name: '   ' })],
    ['a name of 201 characters', creatorInput({ name: 'x'.repeat(201) })],
    ['a bio of 2001 characters', creatorInput({ bio: 'x'.repeat(2001) })],
    ['an avatar that is not an http(s) URL', creatorInput({ avatarUrl: 'javascript:alert(1)' })],
    ['a NUL byte in the bio', creatorInput({ bio: 'warm\u0000' })],
    ['no name', { slug: unique('c-') }],
  ];
  for (const [what, body] of bad) {
    it(`when the create body has ${what}, then 400 VALIDATION_FAILED and no creator is stored`, async () => {
      const res = await t.app.call('POST', '/api/creators', { token: t.admin, body });
      expect(res.status).toBe(400);
      t.check('POST', '/api/creators', 400, res.body);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      if (typeof body.slug === 'string') expect(await t.app.db('creators').where({ slug: body.slug }).first()).toBeUndefined();
    });
  }

  it('when a patch is empty, names an unknown or malformed id, then 400 or 404 and no event', async () => {
    const c = await newCreator();
    const empty = await t.app.call('PATCH', `/api/creators/${c.id}`, { token: t.admin, body: {} });
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('VALIDATION_FAILED');
    const unknown = await t.app.call('PATCH', `/api/creators/${randomUUID()}`, { token: t.admin, body: { name: 'x' } });
    expect(unknown.status).toBe(404);
    t.check('PATCH', '/api/creators/{id}', 404, unknown.body);
    expect((await t.app.call('PATCH', '/api/creators/not-a-uuid', { token: t.admin, body: { name: 'x' } })).status).toBe(404);
    const missing = await t.app.call('GET', `/api/creators/${randomUUID()}`);
    expect(missing.status).toBe(404);
    t.check('GET', '/api/creators/{id}', 404, missing.body);
    expect((await t.app.call('GET', '/api/creators/nope')).status).toBe(404);
    expect(await creatorEvents(c.id)).toHaveLength(1);
  });

  it('when a customer or nobody writes or lists creators, then 403 or 401', async () => {
    const c = await newCreator();
    expect((await t.app.call('POST', '/api/creators', { token: t.customer, body: creatorInput() })).status).toBe(403);
    expect((await t.app.call('PATCH', `/api/creators/${c.id}`, { token: t.customer, body: { name: 'x' } })).status).toBe(403);
    expect((await t.app.call('GET', '/api/creators', { token: t.customer })).status).toBe(403);
    expect((await t.app.call('POST', '/api/creators', { body: creatorInput() })).status).toBe(401);
    expect((await t.app.call('GET', '/api/creators')).status).toBe(401);
    expect((await t.app.call('GET', `/api/creators/${c.id}`)).body.name).toBe('Nova Studio');
  });
});

describe('products of a creator', () => {
  it("when a product names a creator, then its answer and its events carry the creator's summary", async () => {
    const c = await newCreator();
    const created = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput({ creatorId: c.id }) });
    expect(created.status).toBe(201);
    t.check('POST', '/api/products', 201, created.body);
    expect(created.body).toMatchObject({ creatorId: c.id, creator: { id: c.id, name: 'Nova Studio', slug: c.slug } });
    const read = await t.app.call('GET', `/api/products/${created.body.id}`);
    t.check('GET', '/api/products/{id}', 200, read.body);
    expect(read.body).toEqual(created.body);
    const [event] = await t.app.db('outbox').whereRaw("payload->'data'->>'productId' = ?", [created.body.id]);
    expect(event.payload.data.creator).toEqual({ creatorId: c.id, name: 'Nova Studio', slug: c.slug, version: 1 });

    const plain = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput() });
    expect(plain.body).toMatchObject({ creatorId: null, creator: null });
  });

  it('when the creator is renamed, then the cached product, the cached listing and ?creator= show the new name at once', async () => {
    const c = await newCreator();
    const { body: p } = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput({ creatorId: c.id }) });
    const detail = () => t.app.call('GET', `/api/products/${p.id}`);
    const bySlug = () => t.app.call('GET', `/api/products?creator=${c.slug}`);
    await detail();
    await bySlug();
    expect((await detail()).headers.get('x-cache')).toBe('HIT');
    const hit = await bySlug();
    expect(hit.headers.get('x-cache')).toBe('HIT');
    t.check('GET', '/api/products', 200, hit.body);
    expect(hit.body.items.map((i: { id: string }) => i.id)).toEqual([p.id]);

    await t.app.call('PATCH', `/api/creators/${c.id}`, { token: t.admin, body: { name: 'Nova Studio Berlin' } });
    const after = await detail();
    expect(after.headers.get('x-cache')).toBe('MISS');
    expect(after.body.creator).toEqual({ id: c.id, name: 'Nova Studio Berlin', slug: c.slug });
    expect((await bySlug()).body.items[0].creator.name).toBe('Nova Studio Berlin');
    expect((await t.app.call('GET', `/api/products?creator=${c.id}`)).body.items.map((i: { id: string }) => i.id)).toEqual([p.id]);
    expect((await t.app.call('GET', `/api/products?creator=${unique('nobody-')}`)).body.items).toEqual([]);
  });

  it('when a product is moved to another creator or loses its creator, then the answer and product.updated.v1 say so', async () => {
    const [a, b] = [await newCreator(), await newCreator({ name: 'Pixel Arcade' })];
    const { body: p } = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput({ creatorId: a.id }) });
    const moved = await t.app.call('PATCH', `/api/products/${p.id}`, { token: t.admin, body: { creatorId: b.id } });
    expect(moved.status).toBe(200);
    t.check('PATCH', '/api/products/{id}', 200, moved.body);
    expect(moved.body.creator).toEqual({ id: b.id, name: 'Pixel Arcade', slug: b.slug });
    const cleared = await t.app.call('PATCH', `/api/products/${p.id}`, { token: t.admin, body: { creatorId: null } });
    expect(cleared.body).toMatchObject({ creatorId: null, creator: null });
    const rows = await t.app.db('outbox').where({ type: 'product.updated.v1' }).whereRaw("payload->'data'->>'productId' = ?", [p.id]).orderBy('created_at');
    expect(rows.map((r) => r.payload.data.creator)).toEqual([{ creatorId: b.id, name: 'Pixel Arcade', slug: b.slug, version: 1 }, null]);
  });

  it('when a product names a creator that does not exist, then 400 CREATOR_NOT_FOUND and nothing is stored', async () => {
    const body = productInput({ creatorId: randomUUID() });
    const res = await t.app.call('POST', '/api/products', { token: t.admin, body });
    expect(res.status).toBe(400);
    t.check('POST', '/api/products', 400, res.body);
    expect(res.body.error.code).toBe('CREATOR_NOT_FOUND');
    expect(await t.app.db('products').where({ sku: body.sku }).first()).toBeUndefined();
    const { body: p } = await t.app.call('POST', '/api/products', { token: t.admin, body: productInput() });
    const patch = await t.app.call('PATCH', `/api/products/${p.id}`, { token: t.admin, body: { creatorId: randomUUID() } });
    expect(patch.status).toBe(400);
    expect(patch.body.error.code).toBe('CREATOR_NOT_FOUND');
    expect((await t.app.call('GET', `/api/products/${p.id}`)).body.creatorId).toBeNull();
  });

  it('when a rename and a product write of the same creator race, then the product ends up showing the last name', async () => {
    const c = await newCreator({ name: 'Name 0' });
    const writes = await Promise.all([
      ...Array.from({ length: 5 }, () => t.app.call('POST', '/api/products', { token: t.admin, body: productInput({ creatorId: c.id }) })),
      ...Array.from({ length: 5 }, (_, n) => t.app.call('PATCH', `/api/creators/${c.id}`, { token: t.admin, body: { bio: `bio ${n}` } })),
    ]);
    expect(writes.map((w) => w.status).sort()).toEqual([200, 200, 200, 200, 200, 201, 201, 201, 201, 201]);
    const last = await t.app.call('PATCH', `/api/creators/${c.id}`, { token: t.admin, body: { name: 'Name 6' } });
    expect(last.body.version).toBe(7);
    for (const w of writes.filter((x) => x.status === 201)) {
      expect((await t.app.call('GET', `/api/products/${w.body.id}`)).body.creator.name).toBe('Name 6');
    }
  });
});
