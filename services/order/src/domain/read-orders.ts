import type { Db } from '@shop/db';
import { AppError } from '@shop/errors';
import { findOrderView } from '../data/order.repository.js';
import { decodeCursor, listOrders } from '../data/order-list.repository.js';
import type { Caller, OrderView } from './types.js';

const isAdmin = (caller: Caller) => caller.roles.includes('admin');

/** Another user's order is a 404, not a 403: its existence is none of the caller's business. */
export async function getOrder(db: Db, caller: Caller, orderId: string): Promise<OrderView> {
  const order = await findOrderView(db, orderId);
  if (!order || (order.userId !== caller.id && !isAdmin(caller))) throw AppError.notFound('Order');
  return order;
}

/** The caller's own orders; an admin may name any user with `userId`. */
export async function listOrdersFor(
  db: Db,
  caller: Caller,
  query: { limit: number; cursor?: string; userId?: string },
): Promise<{ items: OrderView[]; nextCursor: string | null }> {
  const userId = query.userId ?? caller.id;
  if (userId !== caller.id && !isAdmin(caller)) throw AppError.forbidden('Only an admin may list another user\'s orders');
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !cursor) throw AppError.badRequest('cursor: must be a nextCursor from a previous page');
  return listOrders(db, { userId, limit: query.limit, cursor });
}
