/** Schedule a drop for a product, and the drops scheduled from this browser. */
import { useState } from 'preact/hooks';
import { post } from '../../api.ts';
import type { Drop } from '../../drop.ts';
import { Link, useLocation } from '../../router.tsx';
import { ErrorBox } from '../../ui.tsx';
import { DropLive } from './DropLive.tsx';

const KEY = 'shop.admin.drops';

/** The API has no list of drops yet: the admin pages remember the ones made here. */
function remembered(): Array<{ id: string; productId: string; opensAt: string }> {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]');
  } catch {
    return [];
  }
}

function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function AdminDrops({ id }: { id?: string }) {
  const loc = useLocation();
  const [list, setList] = useState(remembered);
  const [state, setState] = useState<{ busy: boolean; error?: unknown }>({ busy: false });
  if (id) return <DropLive id={id} />;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const s = (k: string) => String(f.get(k) ?? '').trim();
    setState({ busy: true });
    try {
      const drop = await post<Drop>('/api/drops', {
        productId: s('productId'),
        opensAt: new Date(s('opensAt')).toISOString(),
        admitPerSecond: Number(s('admitPerSecond')),
        holdSeconds: Number(s('holdSeconds')),
      });
      const next = [{ id: drop.id, productId: drop.productId, opensAt: drop.opensAt }, ...list].slice(0, 20);
      localStorage.setItem(KEY, JSON.stringify(next));
      setList(next);
      setState({ busy: false });
    } catch (error) {
      setState({ busy: false, error });
    }
  };

  return (
    <section aria-labelledby="admin-drops-title">
      <h1 id="admin-drops-title">Drops</h1>
      <form onSubmit={onSubmit} class="panel stack narrow" aria-label="Schedule a drop">
        <h2>Schedule a drop</h2>
        <label>
          Product id
          <input name="productId" required pattern="[0-9a-fA-F\-]{36}" defaultValue={loc.query.get('productId') ?? ''} />
        </label>
        <label>
          Opens at (your local time)
          <input name="opensAt" type="datetime-local" step="1" required defaultValue={localInputValue(new Date(Date.now() + 10 * 60_000))} />
        </label>
        <label>
          Admissions per second
          <input name="admitPerSecond" type="number" min="1" max="10000" required defaultValue="50" />
        </label>
        <label>
          Hold, seconds
          <input name="holdSeconds" type="number" min="1" max="3600" required defaultValue="120" />
        </label>
        <ErrorBox error={state.error} />
        <button type="submit" disabled={state.busy}>
          {state.busy ? 'Scheduling…' : 'Schedule drop'}
        </button>
      </form>
      {list.length ? (
        <div class="panel">
          <h2>Scheduled here</h2>
          <ul aria-label="Scheduled drops">
            {list.map((d) => (
              <li key={d.id}>
                {new Date(d.opensAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' })}:{' '}
                <Link href={`/admin/drops/${d.id}`}>live view</Link> · <Link href={`/drops/${d.id}`}>drop page</Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
