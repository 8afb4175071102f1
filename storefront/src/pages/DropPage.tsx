/**
 * The drop page a crowd sits on: a countdown, the queue with position and ETA, the hold
 * with its own countdown and a one-click buy, sold out for everyone still waiting, and
 * the fairness commitment with an in-page recomputation of the shuffle after the open.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, serverNow } from '../api.ts';
import { placeOrder } from '../checkout.ts';
import { getDrop, useTicket, type Drop, type Ticket, type TicketState } from '../drop.ts';
import { useLoad, useNow, useSession, useTitle } from '../hooks.ts';
import { money } from '../money.ts';
import { formatDuration, secondsUntil, withJitter } from '../poll.ts';
import { Link, navigate, type Location } from '../router.tsx';
import { ErrorBox, Loading } from '../ui.tsx';
import type { Product } from '../types.ts';
import { FairnessPanel } from './FairnessPanel.tsx';

/**
 * The drop, read again at the open and a little after the ticket's state changes (past
 * the edge's 1 s micro-cache, spread with jitter), never on a timer of its own otherwise.
 */
function useDrop(id: string, ticketState: string | undefined) {
  const [refresh, setRefresh] = useState(0);
  const drop = useLoad((signal) => getDrop(id, signal), [id, refresh]);
  const previous = useRef(ticketState);
  useEffect(() => {
    const before = previous.current;
    previous.current = ticketState;
    // The first answer on load (or a join) is no news about the drop itself.
    if (!before || !ticketState || before === ticketState) return;
    const t = setTimeout(() => setRefresh((n) => n + 1), withJitter(1_200));
    return () => clearTimeout(t);
  }, [ticketState]);
  const opensAt = drop.data ? Date.parse(drop.data.opensAt) : NaN;
  const scheduled = drop.data?.status === 'SCHEDULED';
  useEffect(() => {
    if (!scheduled || Number.isNaN(opensAt)) return;
    // Until the answer says OPEN (the edge caches it for 1 s), ask again each second or so.
    const t = setTimeout(() => setRefresh((n) => n + 1), withJitter(Math.min(3_600_000, Math.max(1_000, opensAt - serverNow() + 250))));
    return () => clearTimeout(t);
  }, [scheduled, opensAt, drop.data]);
  return drop;
}

function Hold({ ticket, product }: { ticket: Ticket; product: Product }) {
  useNow(500);
  const [card, setCard] = useState('tok_visa');
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  const a = ticket.admission!;
  const left = secondsUntil(Date.parse(a.expiresAt), serverNow());
  const buy = async () => {
    setState({ busy: true });
    try {
      const body = { items: [{ productId: product.id, quantity: a.quantity }], paymentToken: card };
      const order = await placeOrder(body, { 'x-admission-token': a.token ?? '' });
      navigate(`/orders/${order.id}`);
    } catch (error) {
      setState({ busy: false, error });
    }
  };
  if (a.used) {
    return (
      <p class="notice" role="status">
        Your order for this drop is placed. <Link href="/orders">See your orders</Link>
      </p>
    );
  }
  return (
    <div class="panel" role="region" aria-label="Your hold">
      <h2>It's your turn</h2>
      <p>
        {a.quantity} × {product.name} held for you for <strong data-testid="hold-left">{formatDuration(left)}</strong>.
      </p>
      <label>
        Card
        <select value={card} onChange={(e) => setCard((e.currentTarget as HTMLSelectElement).value)}>
          <option value="tok_visa">Test Visa (approves)</option>
          <option value="tok_declined">Test card that is declined</option>
        </select>
      </label>
      <p>
        <button type="button" onClick={buy} disabled={state.busy || left === 0}>
          {state.busy ? 'Buying…' : `Buy now · ${money(product.price * a.quantity, product.currency)}`}
        </button>
      </p>
      <ErrorBox error={state.error} />
    </div>
  );
}

function Queue({ drop, product, signedIn, queue }: { drop: Drop; product: Product; signedIn: boolean; queue: TicketState }) {
  const { ticket: t, error, joining, join } = queue;
  if (!signedIn) {
    return (
      <p>
        <Link class="button" href={`/signin?next=${encodeURIComponent(`/drops/${drop.id}`)}`}>
          Sign in to join the queue
        </Link>
      </p>
    );
  }
  if (t === undefined) return error ? <ErrorBox error={error} /> : <Loading what="Checking your place" />;
  return (
    <div aria-live="polite">
      {t === null ? (
        drop.status === 'SOLD_OUT' || drop.status === 'CLOSED' ? null : (
          <p>
            <button type="button" onClick={join} disabled={joining}>
              {joining ? 'Joining…' : 'Join the queue'}
            </button>{' '}
            <span class="muted">One place per account. Joining before the open gives everyone the same chance.</span>
          </p>
        )
      ) : t.state === 'WAITING' ? (
        <div class="panel" role="status" data-testid="ticket" data-state="WAITING">
          {t.position === null ? (
            <p>You're in the queue. Places are drawn at the open, by the shuffle below.</p>
          ) : (
            <>
              <p>Your place in the queue</p>
              <p class="big-number">{t.position}</p>
              <p class="muted">{t.etaSeconds !== null ? `About ${formatDuration(t.etaSeconds)} to wait.` : 'Waiting for units to come back.'} Keep this page open.</p>
            </>
          )}
        </div>
      ) : t.state === 'ADMITTED' ? (
        <div data-testid="ticket" data-state="ADMITTED">
          <Hold ticket={t} product={product} />
        </div>
      ) : t.state === 'SOLD_OUT' ? (
        <p class="error" role="status" data-testid="ticket" data-state="SOLD_OUT">
          Sold out. Every unit is in an order. If one comes back, the next in line is admitted: this page will tell you.
        </p>
      ) : t.state === 'CLOSED' ? (
        <p class="error" role="status" data-testid="ticket" data-state="CLOSED">
          This drop is closed. Thank you for waiting.
        </p>
      ) : (
        <p class="error" role="status" data-testid="ticket" data-state="EXPIRED">
          Your hold ran out before an order was placed, and the units went to the next in line.
        </p>
      )}
      {t ? <ErrorBox error={error} /> : null}
    </div>
  );
}

export default function DropPage({ params }: { params: Record<string, string>; loc: Location }) {
  const session = useSession();
  const signedIn = !!session;
  const queue = useTicket(params.id, signedIn);
  const drop = useDrop(params.id, queue.ticket?.state);
  const productId = drop.data?.productId;
  const product = useLoad((signal) => (productId ? get<Product>(`/api/products/${productId}`, { auth: false, signal }) : Promise.resolve(undefined)), [productId]);
  useNow(1000);
  useTitle(product.data ? `Drop: ${product.data.name}` : 'Drop');

  if (drop.error && !drop.data) return <ErrorBox error={drop.error} />;
  if (!drop.data || !product.data) return <Loading what="Loading the drop" />;
  const d = drop.data;
  const p = product.data;
  const untilOpen = secondsUntil(Date.parse(d.opensAt), serverNow());
  return (
    <section aria-labelledby="drop-title">
      <h1 id="drop-title">{p.name}</h1>
      <p class="price big">{money(p.price, p.currency)}</p>
      {d.status === 'SCHEDULED' ? (
        <div class="panel" role="timer" aria-live="off">
          <p>Opens in</p>
          <p class="big-number" data-testid="countdown">
            {untilOpen > 0 ? formatDuration(untilOpen) : 'Opening now…'}
          </p>
          <p class="muted">{new Date(d.opensAt).toLocaleString('en', { dateStyle: 'full', timeStyle: 'medium' })}</p>
        </div>
      ) : (
        <p class="stock" data-testid="drop-status" data-status={d.status}>
          {d.status === 'SOLD_OUT' ? 'Sold out' : d.status === 'OPEN' ? `Open · ${d.queueLength} waiting${d.unitsLeft !== null ? ` · ${d.unitsLeft} left` : ''}` : 'Closed'}
        </p>
      )}
      <Queue drop={d} product={p} signedIn={signedIn} queue={queue} />
      <FairnessPanel drop={d} ticketId={queue.ticket?.ticketId} />
    </section>
  );
}
