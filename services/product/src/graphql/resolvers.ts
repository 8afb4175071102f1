import { GraphQLError } from 'graphql';
import type { GatewayContext, Service } from './context.js';

/**
 * Every field is one REST call (or a loader over one); the rules stay in the services: the
 * token is forwarded, and what a service refuses comes back with its code.
 */
type Args = Record<string, unknown>;
type Page = { items: unknown[]; nextCursor: string | null };

/** A query string from the arguments that were given (null and undefined left out). */
function qs(args: Args): string {
  const pairs = Object.entries(args).filter(([, v]) => v !== undefined && v !== null);
  return pairs.length ? `?${new URLSearchParams(pairs.map(([k, v]) => [k, String(v)])).toString()}` : '';
}

/** A list field: one cursor page of the service's REST list at `path`, the field's arguments as its query. */
const list = (service: Service, path: string) => (_: unknown, args: Args, ctx: GatewayContext) => ctx.call<Page>(service, { method: 'GET', path: `${path}${qs(args)}` });

const id = (v: unknown) => encodeURIComponent(String(v));
const signedIn = (ctx: GatewayContext) => {
  if (!ctx.caller) throw new GraphQLError('Authentication required: send "Authorization: Bearer <access token>"', { extensions: { code: 'UNAUTHENTICATED', status: 401 } });
  return ctx.caller;
};

export const resolvers = {
  Query: {
    products: list('product', '/api/products'),
    product: (_: unknown, args: Args, ctx: GatewayContext) => ctx.products.load(String(args.id)),
    categories: list('product', '/api/categories'),
    creator: async (_: unknown, args: Args, ctx: GatewayContext) => {
      try {
        return await ctx.call('product', { method: 'GET', path: `/api/creators/${id(args.id)}` });
      } catch (err) {
        if (err instanceof GraphQLError && err.extensions.status === 404) return null;
        throw err;
      }
    },
    me: (_: unknown, _args: Args, ctx: GatewayContext) => ctx.call('user', { method: 'GET', path: '/api/users/me' }),
    users: list('user', '/api/users'),
    // The caller's own profile is /me (any user); anyone else's is the admin route, which says no to others.
    user: (_: unknown, args: Args, ctx: GatewayContext) =>
      signedIn(ctx).id === args.id ? ctx.call('user', { method: 'GET', path: '/api/users/me' }) : ctx.users.load(String(args.id)),
    orders: list('order', '/api/orders'),
    order: async (_: unknown, args: Args, ctx: GatewayContext) => {
      try {
        return await ctx.call('order', { method: 'GET', path: `/api/orders/${id(args.id)}` });
      } catch (err) {
        if (err instanceof GraphQLError && err.extensions.status === 404) return null;
        throw err;
      }
    },
    cart: (_: unknown, args: Args, ctx: GatewayContext) =>
      ctx.call('cart', { method: 'GET', path: '/api/cart', headers: { 'x-cart-id': args.cartId ? String(args.cartId) : undefined } }),
  },
  Mutation: {
    registerUser: (_: unknown, { input }: Args, ctx: GatewayContext) => ctx.call('user', { method: 'POST', path: '/api/auth/register', body: input }),
    loginUser: (_: unknown, { input }: Args, ctx: GatewayContext) => ctx.call('user', { method: 'POST', path: '/api/auth/login', body: input }),
    createProduct: (_: unknown, { input }: Args, ctx: GatewayContext) => ctx.call('product', { method: 'POST', path: '/api/products', body: input }),
    createCategory: (_: unknown, { input }: Args, ctx: GatewayContext) => ctx.call('product', { method: 'POST', path: '/api/categories', body: input }),
    createCreator: (_: unknown, { input }: Args, ctx: GatewayContext) => ctx.call('product', { method: 'POST', path: '/api/creators', body: input }),
    updateCreator: (_: unknown, args: Args, ctx: GatewayContext) =>
      ctx.call('product', { method: 'PATCH', path: `/api/creators/${id(args.id)}`, body: args.input }),
    placeOrder: (_: unknown, args: Args, ctx: GatewayContext) =>
      ctx.call('order', { method: 'POST', path: '/api/orders', body: args.input ?? {}, headers: { 'idempotency-key': String(args.idempotencyKey) } }),
    addCartItem: async (_: unknown, args: Args, ctx: GatewayContext) => {
      const headers = { 'x-cart-id': args.cartId ? String(args.cartId) : undefined };
      await ctx.call('cart', { method: 'POST', path: '/api/cart/items', body: { productId: args.productId, quantity: args.quantity }, headers });
      return ctx.call('cart', { method: 'GET', path: '/api/cart', headers });
    },
  },
  User: {
    orders: (user: { id: string }, args: Args, ctx: GatewayContext) =>
      ctx.call<Page>('order', { method: 'GET', path: `/api/orders${qs({ ...args, userId: ctx.caller?.id === user.id ? undefined : user.id })}` }),
  },
  Order: {
    user: (order: { userId: string }, _args: Args, ctx: GatewayContext) =>
      ctx.caller?.id === order.userId ? ctx.call('user', { method: 'GET', path: '/api/users/me' }) : ctx.users.load(order.userId),
  },
  Product: {
    recommendations: (product: { id: string }, args: Args, ctx: GatewayContext) =>
      ctx.call('product', { method: 'GET', path: `/api/products/${id(product.id)}/recommendations${qs(args)}` }),
  },
  OrderItem: {
    product: (item: { productId: string }, _args: Args, ctx: GatewayContext) => ctx.products.load(item.productId),
  },
  CartItem: {
    product: (item: { productId: string }, _args: Args, ctx: GatewayContext) => ctx.products.load(item.productId),
  },
};
