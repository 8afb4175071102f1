import type { DbOrTx } from '@shop/db';
import type { Cart, CartLine, CartRepository } from '../domain/ports.js';

interface CartRow {
  id: string;
  user_id: string | null;
}

const toCart = (r: CartRow): Cart => ({ id: r.id, userId: r.user_id });

export function cartRepository(db: DbOrTx): CartRepository {
  const guest = (id: string, activeSince: Date) =>
    db<CartRow>('carts').select('id', 'user_id').where({ id }).whereNull('user_id').where('updated_at', '>', activeSince);

  return {
    async createGuest(id) {
      await db('carts').insert({ id });
      return { id, userId: null };
    },

    async findGuest(id, activeSince) {
      const row = await guest(id, activeSince).first();
      return row ? toCart(row) : undefined;
    },

    async findGuestForUpdate(id, activeSince) {
      const row = await guest(id, activeSince).forUpdate().first();
      return row ? toCart(row) : undefined;
    },

    async findOrCreateForUser(userId, newId) {
      // Two first requests of one user at once: the unique user_id makes one of them win.
      await db('carts').insert({ id: newId, user_id: userId }).onConflict('user_id').ignore();
      const row = await db<CartRow>('carts').select('id', 'user_id').where({ user_id: userId }).first();
      return toCart(row!);
    },

    async findByUser(userId) {
      const row = await db<CartRow>('carts').select('id', 'user_id').where({ user_id: userId }).first();
      return row ? toCart(row) : undefined;
    },

    async touch(cartId, minAgeSeconds = 0) {
      const q = db('carts').where({ id: cartId }).update({ updated_at: db.fn.now() });
      if (minAgeSeconds > 0) q.whereRaw(`updated_at < now() - make_interval(secs => ?)`, [minAgeSeconds]);
      await q;
    },

    async lines(cartId) {
      const rows = await db('cart_items')
        .select({ productId: 'product_id', quantity: 'quantity' })
        .where({ cart_id: cartId })
        .orderBy([{ column: 'added_at' }, { column: 'product_id' }]);
      return rows as CartLine[];
    },

    async hasLine(cartId, productId) {
      return (await db('cart_items').where({ cart_id: cartId, product_id: productId }).first('product_id')) !== undefined;
    },

    async countLines(cartId) {
      const row = await db('cart_items').where({ cart_id: cartId }).count<{ n: number }>({ n: '*' }).first();
      return Number(row?.n ?? 0);
    },

    async addQuantity(cartId, productId, quantity, max) {
      // One statement: concurrent adds to the same line sum up instead of losing one.
      await db('cart_items')
        .insert({ cart_id: cartId, product_id: productId, quantity: Math.min(quantity, max) })
        .onConflict(['cart_id', 'product_id'])
        .merge({ quantity: db.raw('least(?::int, cart_items.quantity + excluded.quantity)', [max]) });
    },

    async setQuantity(cartId, productId, quantity) {
      return (await db('cart_items').where({ cart_id: cartId, product_id: productId }).update({ quantity })) > 0;
    },

    async removeLine(cartId, productId) {
      return (await db('cart_items').where({ cart_id: cartId, product_id: productId }).delete()) > 0;
    },

    async mergeLines(fromCartId, toCartId, max) {
      await db.raw(
        `INSERT INTO cart_items (cart_id, product_id, quantity, added_at)
         SELECT ?, product_id, least(?::int, quantity), added_at FROM cart_items WHERE cart_id = ?
         ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = least(?::int, cart_items.quantity + excluded.quantity)`,
        [toCartId, max, fromCartId, max],
      );
    },

    async delete(cartId) {
      await db('carts').where({ id: cartId }).delete();
    },

    async subtractLines(cartId, lines) {
      for (const line of lines) {
        await db('cart_items')
          .where({ cart_id: cartId, product_id: line.productId })
          .where('quantity', '<=', line.quantity)
          .delete();
        await db('cart_items')
          .where({ cart_id: cartId, product_id: line.productId })
          .update({ quantity: db.raw('quantity - ?', [line.quantity]) });
      }
      if (lines.length) await db('carts').where({ id: cartId }).update({ updated_at: db.fn.now() });
    },

    async removeProductEverywhere(productId) {
      return db('cart_items').where({ product_id: productId }).delete();
    },

    async deleteGuestsIdleSince(before, limit) {
      const ids = db('carts').select('id').whereNull('user_id').where('updated_at', '<', before).limit(limit);
      return db('carts').whereIn('id', ids).delete();
    },
  };
}
