/** Order history, and one order's status followed live until it is final. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, get } from '../api.ts';
import { cart } from '../cart.ts';
import { useLoad, useTitle } from '../hooks.ts';
import { money } from '../money.ts';
import { backoffDelay, withJitter } from '../poll.ts';
import { Link } from '../router.tsx';
import { ErrorBox, Loading } from '../ui.tsx';
import { FINAL_STATUSES, type Order, type Page } from '../types.ts';

const STATUS_TEXT: Record<string, string> = {
  PENDING: 'Received, reserving your items…',
  RESERVED: 'Items reserved, charging your card…',
  CONFIRMED: 'Confirmed. Thank you! A confirmation email is on its way.',
  REJECTED: 'Not placed',
  CANCELLED: 'Cancelled',
  EXPIRED: 'Expired before payment completed',
};

function when(iso: string): string {
  return new Date(iso).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

export function OrderList() {
  useTitle('Your orders');
  const orders = useLoad((signal) => get<Page<Order>>('/api/orders?limit=50', { signal }), []);
  if (orders.error) return <ErrorBox error={orders.error} />;
  if (!orders.data) return <Loading what="Loading your orders" />;
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">Your orders</h1>
      {orders.data.items.length === 0 ? (
        <p>
          No orders yet. <Link href="/">Browse the shop</Link>
        </p>
      ) : (
        <table class="lines">
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Placed</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.data.items.map((o) => (
              <tr key={o.id}>
                <td>
                  <Link href={`/orders/${o.id}`}>{o.id.slice(0, 8)}</Link>
                </td>
                <td>{when(o.createdAt)}</td>
                <td>
                  <span class={`status s-${o.status.toLowerCase()}`}>{o.status}</span>
                </td>
                <td>{money(o.total, o.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The order, re-read until its status is final: quickly at first, then more slowly. */
function useLiveOrder(id: string): { order?: Order; error?: unknown } {
  const [state, setState] = useState<{ order?: Order; error?: unknown }>({});
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let polls = 0;
    let failures = 0;
    const tick = async () => {
      try {
        const order = await get<Order>(`/api/orders/${encodeURIComponent(id)}`);
        if (stopped) return;
        failures = 0;
        setState({ order });
        if (FINAL_STATUSES.includes(order.status)) {
          if (order.status === 'CONFIRMED') void cart.refresh();
          return;
        }
        timer = setTimeout(tick, withJitter(Math.min(5_000, 500 * 1.5 ** polls++)));
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError && error.status === 404) return setState({ error });
        failures++;
        setState((s) => ({ ...s, error }));
        const retryAfter = error instanceof ApiError ? error.retryAfter : null;
        timer = setTimeout(tick, backoffDelay(failures, retryAfter));
      }
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);
  return state;
}

export function OrderStatusPage({ id }: { id: string }) {
  const { order, error } = useLiveOrder(id);
  useTitle(order ? `Order ${order.status.toLowerCase()}` : 'Order');
  if (!order) return error ? <ErrorBox error={error} /> : <Loading what="Loading your order" />;
  const final = FINAL_STATUSES.includes(order.status);
  const reason = order.statusHistory.at(-1)?.reason;
  return (
    <section aria-labelledby="order-title">
      <h1 id="order-title">Order {order.id.slice(0, 8)}</h1>
      <p class={`status-line s-${order.status.toLowerCase()}`} role="status" aria-live="polite" data-testid="order-status" data-status={order.status}>
        <strong>{order.status}</strong> · {STATUS_TEXT[order.status]}
        {order.status === 'REJECTED' && reason ? ` (${reason.replace(/_/g, ' ').toLowerCase()})` : ''}
      </p>
      {!final ? <p class="muted">This page updates by itself.</p> : null}
      {error && !final ? <ErrorBox error={error} /> : null}
      <ul>
        {order.items.map((l) => (
          <li key={l.productId}>
            {l.quantity} × {l.name}: {money(l.lineTotal, order.currency)}
          </li>
        ))}
      </ul>
      <p>
        Total <strong>{money(order.total, order.currency)}</strong>
      </p>
      <ol class="history" aria-label="Status history">
        {order.statusHistory.map((h, i) => (
          <li key={i}>
            {when(h.at)}: {h.status}
            {h.reason ? ` (${h.reason})` : ''}
          </li>
        ))}
      </ol>
      <p>
        <Link href="/orders">All your orders</Link> · <Link href="/">Keep shopping</Link>
      </p>
    </section>
  );
}
