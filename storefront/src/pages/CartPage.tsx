/** The cart: change quantities, remove lines, go to checkout (signing in first if needed). */
import { useState } from 'preact/hooks';
import { cart, type Cart } from '../cart.ts';
import { useLoad, useSession, useTitle } from '../hooks.ts';
import { money } from '../money.ts';
import { Link } from '../router.tsx';
import { ErrorBox, Loading } from '../ui.tsx';

export function CartPage() {
  useTitle('Cart');
  const signedIn = useSession();
  const loaded = useLoad(() => cart.load(), [signedIn?.userId]);
  const [view, setView] = useState<Cart | null>(null);
  const [error, setError] = useState<unknown>();
  const c = view ?? loaded.data ?? null;

  const change = async (op: () => Promise<Cart>) => {
    setError(undefined);
    try {
      setView(await op());
    } catch (err) {
      setError(err);
    }
  };

  if (loaded.loading && !c) return <Loading what="Loading your cart" />;
  return (
    <section aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      <ErrorBox error={loaded.error ?? error} />
      {!c || c.items.length === 0 ? (
        <p>
          Your cart is empty. <Link href="/">Browse the shop</Link>
        </p>
      ) : (
        <>
          <table class="lines">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Price</th>
                <th scope="col">Quantity</th>
                <th scope="col">Total</th>
                <th scope="col"><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>
              {c.items.map((line) => (
                <tr key={line.productId}>
                  <td>
                    <Link href={`/products/${line.productId}`}>{line.name}</Link>
                    {line.creator ? <span class="muted"> by {line.creator.name}</span> : null}
                  </td>
                  <td>{money(line.unitPrice, line.currency)}</td>
                  <td>
                    <input
                      type="number"
                      min="1"
                      max="99"
                      value={line.quantity}
                      aria-label={`Quantity of ${line.name}`}
                      onChange={(e) => {
                        const q = Number((e.currentTarget as HTMLInputElement).value);
                        if (Number.isInteger(q) && q >= 1 && q <= 99) void change(() => cart.setQuantity(line.productId, q));
                      }}
                    />
                  </td>
                  <td>{money(line.lineTotal, line.currency)}</td>
                  <td>
                    <button type="button" class="link" onClick={() => change(() => cart.remove(line.productId))}>
                      Remove <span class="sr-only">{line.name}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="subtotal">
            Subtotal ({c.itemCount} {c.itemCount === 1 ? 'item' : 'items'}): <strong data-testid="subtotal">{money(c.subtotal, c.currency)}</strong>
          </p>
          {signedIn ? (
            <Link href="/checkout" class="button">
              Checkout
            </Link>
          ) : (
            <p>
              <Link href="/signin?next=/checkout" class="button">
                Sign in to check out
              </Link>{' '}
              Your cart comes with you when you sign in.
            </p>
          )}
        </>
      )}
    </section>
  );
}
