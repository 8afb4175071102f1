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
