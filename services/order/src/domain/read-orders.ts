import { AppError } from '@shop/errors';
import type { OrderPage, OrderStore } from './ports.js';
import type { Caller, OrderView } from './types.js';

const isAdmin = (caller: Caller) => caller.roles.includes('admin');

/** Another user's order is a 404, not a 403: its existence is none of the caller's business. */
export async function getOrder(orders: OrderStore, caller: Caller, orderId: string): Promise<OrderView> {
  const order = await orders.view(orderId);
  if (!order || (order.userId !== caller.id && !isAdmin(caller))) throw AppError.notFound('Order');
  return order;
}

/** The caller's own orders; an admin may name any user with `userId`. */
export async function listOrdersFor(orders: OrderStore, caller: Caller, query: { limit: number; cursor?: string; userId?: string }): Promise<OrderPage> {
  const userId = query.userId ?? caller.id;
  if (userId !== caller.id && !isAdmin(caller)) throw AppError.forbidden('Only an admin may list another user\'s orders');
  const cursor = query.cursor === undefined ? undefined : orders.parseCursor(query.cursor);
  if (query.cursor !== undefined && !cursor) throw AppError.badRequest('cursor: must be a nextCursor from a previous page');
  return orders.list({ userId, limit: query.limit, cursor });
}
