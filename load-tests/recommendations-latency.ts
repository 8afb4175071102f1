/**
 * GET /api/products/:id/recommendations at one product replica (no edge micro-cache), one
 * request at a time: for each of N live products the first read (a Redis MISS: the three
 * Postgres queries) and the second (a HIT). Prints p50/p99 of each; a light load, not a
 * benchmark of throughput. load-tests/results/recommendations.md has runs.
 *
 * Usage: tsx load-tests/recommendations-latency.ts [N products, default 200] [replica URL, default http://127.0.0.1:4011]
 */
const N = Number(process.argv[2] ?? 200);
const BASE = process.argv[3] ?? 'http://127.0.0.1:4011';

async function productIds(): Promise<string[]> {
  const ids: string[] = [];
  for (let cursor: string | null = null; ids.length < N; ) {
    const page = (await (await fetch(`${BASE}/api/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { items: Array<{ id: string }>; nextCursor: string | null };
    ids.push(...page.items.map((p) => p.id));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return ids.slice(0, N);
}

async function timed(id: string): Promise<[number, string | null]> {
  const start = performance.now();
  const res = await fetch(`${BASE}/api/products/${id}/recommendations?limit=7`);
  await res.text();
  if (res.status !== 200) throw new Error(`${id}: ${res.status}`);
  return [performance.now() - start, res.headers.get('x-cache')];
}

const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))].toFixed(1);

const miss: number[] = [];
const hit: number[] = [];
for (const id of await productIds()) {
  const [first, c1] = await timed(id);
  const [second, c2] = await timed(id);
  if (c1 === 'MISS') miss.push(first);
  if (c2 === 'HIT') hit.push(second);
}
console.log(`| read | n | p50 ms | p99 ms |\n|---|---|---|---|`);
console.log(`| first (Redis MISS) | ${miss.length} | ${quantile(miss, 0.5)} | ${quantile(miss, 0.99)} |`);
console.log(`| second (Redis HIT) | ${hit.length} | ${quantile(hit, 0.5)} | ${quantile(hit, 0.99)} |`);
