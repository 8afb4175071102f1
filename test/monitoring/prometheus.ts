/** The native stack's Prometheus (scripts/lib/prometheus.sh), for the monitoring tests. */
export const PROMETHEUS = process.env.PROMETHEUS_URL ?? 'http://127.0.0.1:9090';

export async function prom<T>(path: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${PROMETHEUS}${path}`, { signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    throw new Error(`Prometheus does not answer at ${PROMETHEUS} (${(err as Error).message}); start the platform with npm run up`);
  }
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.error}`);
  return body.data;
}

/** Every metric name Prometheus holds (what it has scraped, and the recording rules). */
export async function promNames(): Promise<Set<string>> {
  return new Set(await prom<string[]>('/api/v1/label/__name__/values'));
}

/** One number from an instant query (0 when the result is empty). */
export async function scalar(query: string): Promise<number> {
  const data = await prom<{ result: Array<{ value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(query)}`);
  return data.result.length ? Number(data.result[0].value[1]) : 0;
}

/** Each series of an instant query, by its labels. */
export async function series(query: string): Promise<Map<string, number>> {
  const data = await prom<{ result: Array<{ metric: Record<string, string>; value: [number, string] }> }>(`/api/v1/query?query=${encodeURIComponent(query)}`);
  const key = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort(([a], [b]) => a.localeCompare(b)));
  return new Map(data.result.map((r) => [key(r.metric), Number(r.value[1])]));
}

/**
 * How much counters grew from one `series` reading to a later one, series by series, as
 * increase() counts but without its extrapolation: a series that went down was reset (its
 * replica restarted, say by a reload) and counts from 0; one that is new counts from 0; one
 * that is gone counts nothing. A sum of the counters instead drops at every reset.
 */
export function growth(before: Map<string, number>, after: Map<string, number>): number {
  let n = 0;
  for (const [k, v] of after) {
    const was = before.get(k) ?? 0;
    n += v >= was ? v - was : v;
  }
  return n;
}
