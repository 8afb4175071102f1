/** Checkout: shipping address, a simulated card, one order per attempt. */
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import { cart } from '../cart.ts';
import { placeOrder } from '../checkout.ts';
import { useLoad, useTitle } from '../hooks.ts';
import { money } from '../money.ts';
import { Link, navigate } from '../router.tsx';
import { ErrorBox, Loading } from '../ui.tsx';

interface Address {
  line1: string;
  city: string;
  postalCode: string;
  country: string;
}

export const CARDS: Array<[string, string]> = [
  ['tok_visa', 'Test Visa (approves)'],
  ['tok_declined', 'Test card that is declined'],
  ['tok_timeout', 'Test card whose network times out'],
];

export function Checkout() {
  useTitle('Checkout');
  const c = useLoad(() => cart.load(), []);
  const me = useLoad((signal) => get<{ shippingAddress: Address | null }>('/api/users/me', { signal }), []);
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });

  if (c.loading || me.loading) return <Loading what="Loading checkout" />;
  if (c.error) return <ErrorBox error={c.error} />;
  if (!c.data || c.data.items.length === 0)
    return (
      <p>
        Your cart is empty. <Link href="/">Browse the shop</Link>
      </p>
    );
  const a = me.data?.shippingAddress;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    setState({ busy: true });
    try {
      const order = await placeOrder({
        paymentToken: s('paymentToken'),
        shippingAddress: { line1: s('line1'), city: s('city'), postalCode: s('postalCode'), country: s('country').toUpperCase() },
      });
      navigate(`/orders/${order.id}`, { replace: true });
    } catch (error) {
      setState({ busy: false, error });
    }
  };

  return (
    <section aria-labelledby="checkout-title">
      <h1 id="checkout-title">Checkout</h1>
      <p>
        {c.data.itemCount} {c.data.itemCount === 1 ? 'item' : 'items'}, subtotal <strong>{money(c.data.subtotal, c.data.currency)}</strong>
      </p>
      <form onSubmit={onSubmit} class="stack narrow">
        <fieldset>
          <legend>Shipping address</legend>
          <label>
            Street and number
            <input name="line1" autoComplete="address-line1" required defaultValue={a?.line1 ?? ''} />
          </label>
          <label>
            City
            <input name="city" autoComplete="address-level2" required defaultValue={a?.city ?? ''} />
          </label>
          <label>
            Postal code
            <input name="postalCode" autoComplete="postal-code" required defaultValue={a?.postalCode ?? ''} />
          </label>
          <label>
            Country (2 letters)
            <input name="country" autoComplete="country" required pattern="[A-Za-z]{2}" maxLength={2} defaultValue={a?.country ?? 'DE'} />
          </label>
        </fieldset>
        <fieldset>
          <legend>Payment</legend>
          {CARDS.map(([token, label], i) => (
            <label class="radio" key={token}>
              <input type="radio" name="paymentToken" value={token} defaultChecked={i === 0} /> {label}
            </label>
          ))}
        </fieldset>
        <ErrorBox error={state.error} />
        <button type="submit" disabled={state.busy}>
          {state.busy ? 'Placing your order…' : `Place order · ${money(c.data.subtotal, c.data.currency)}`}
        </button>
      </form>
    </section>
  );
}
