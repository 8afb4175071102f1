/** A drop's live view for the people running it: units, holds, queue, admissions/s, orders/s. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get } from '../../api.ts';
import { getDrop, type Drop } from '../../drop.ts';
import { backoffDelay } from '../../poll.ts';
import { Link } from '../../router.tsx';
import { ErrorBox, Loading } from '../../ui.tsx';

interface Stock {
  available: number;
  reserved: number;
  sold: number;
}
interface Sample {
  at: number;
  drop: Drop;
  stock: Stock | null;
}

const EVERY_MS = 2_000;

function rate(a: number | undefined, b: number | undefined, ms: number): string {
  if (a === undefined || b === undefined || ms <= 0) return '–';
  return ((b - a) / (ms / 1000)).toFixed(1);
}

export function DropLive({ id }: { id: string }) {
  const [samples, setSamples] = useState<Sample[]>([]);
  const [error, setError] = useState<unknown>();
  const failures = useRef(0);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const drop = await getDrop(id);
        const stock = await get<Stock>(`/api/inventory/admin/stock/${drop.productId}`).catch(() => null);
        if (stopped) return;
        failures.current = 0;
        setError(undefined);
        setSamples((s) => [...s.slice(-14), { at: Date.now(), drop, stock }]);
        timer = setTimeout(tick, EVERY_MS);
      } catch (err) {
        if (stopped) return;
        setError(err);
        failures.current++;
        timer = setTimeout(tick, backoffDelay(failures.current, err instanceof ApiError ? err.retryAfter : null));
      }
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);

  const last = samples.at(-1);
  if (!last) return error ? <ErrorBox error={error} /> : <Loading what="Loading the drop" />;
  // Rates over the last ~10 s of samples.
  const first = samples[Math.max(0, samples.length - 6)];
  const span = last.at - first.at;
  const sold = (s: Sample) => (s.stock ? s.stock.sold + s.stock.reserved : undefined);
  const d = last.drop;
  const stats: Array<[string, string | number]> = [
    ['Status', d.status],
    ['Units left', d.unitsLeft ?? '–'],
    ['Held now', d.activeHolds],
    ['Sold (incl. reserved)', sold(last) ?? '–'],
    ['Queue length', d.queueLength],
    ['Admitted', d.admitted],
    ['Admissions/s', rate(first.drop.admitted, d.admitted, span)],
    ['Orders/s (units)', rate(sold(first), sold(last), span)],
  ];
  return (
    <section aria-labelledby="drop-live-title">
      <h1 id="drop-live-title">Drop live view</h1>
      <p>
        Opens {new Date(d.opensAt).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'medium' })} · admits {d.admitPerSecond}/s · holds{' '}
        {d.holdSeconds} s · <Link href={`/drops/${d.id}`}>drop page</Link> · <Link href={`/products/${d.productId}`}>product</Link>
      </p>
      <dl class="stats" aria-live="off" data-testid="drop-stats">
        {stats.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd data-testid={`stat-${label.split(' ')[0].toLowerCase()}`}>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="muted small">Updated every {EVERY_MS / 1000} s; rates over the last {Math.round(span / 1000)} s.</p>
      <ErrorBox error={error} />
    </section>
  );
}
