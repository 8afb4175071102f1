/**
 * The Grafana dashboards (monitoring/grafana/dashboards, provisioned in Docker Compose) and
 * the native drop status page (monitoring/consoles/drop.html): every query must name metrics
 * that exist. The services' own metrics are read from the registry the services register
 * them in (the same modules their code counts with); recording rules from rules.yml; the
 * exporters' metrics (Postgres, Redis, RabbitMQ, nginx) from the live Prometheus of
 * `npm run up`, which has scraped them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { register } from 'prom-client';
import { promNames } from './prometheus.js';

const ROOT = join(import.meta.dirname, '../..');
const MON = join(ROOT, 'monitoring');
const DASHBOARDS = join(MON, 'grafana/dashboards');

// PromQL words that look like metric names.
const KEYWORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan',
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
]);
// Series Prometheus makes itself.
const SYNTHETIC = new Set(['up', 'ALERTS', 'ALERTS_FOR_STATE', 'scrape_duration_seconds', 'scrape_samples_scraped']);

/** The metric names a PromQL expression reads. */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // string literals
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\[[^\]]*\]/g, ''); // ranges
  const names = new Set<string>();
  for (const m of bare.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const after = bare.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

interface Panel {
  title?: string;
  type: string;
  targets?: Array<{ expr: string }>;
  panels?: Panel[];
}
const dashboards = readdirSync(DASHBOARDS)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, json: JSON.parse(readFileSync(join(DASHBOARDS, f), 'utf8')) as { uid: string; title: string; panels: Panel[] } }));

function queries(): Array<{ where: string; expr: string }> {
  const out: Array<{ where: string; expr: string }> = [];
  const walk = (file: string, panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) out.push({ where: `${file}: ${p.title}`, expr: t.expr });
      walk(file, p.panels ?? []);
    }
  };
  for (const d of dashboards) walk(d.file, d.json.panels);
  // The console page's queries: `query "..."` and the printf'd ones (their %s is a label value).
  const page = readFileSync(join(MON, 'consoles/drop.html'), 'utf8');
  for (const m of page.matchAll(/query "((?:[^"\\]|\\.)*)"|printf "([^"]*%s[^"]*)"/g)) {
    out.push({ where: 'consoles/drop.html', expr: (m[1] ?? m[2]).replaceAll('\\"', '"').replaceAll('%s', 'x') });
  }
  return out;
}

const recorded = new Set(
  (parse(readFileSync(join(MON, 'prometheus/rules.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ record?: string }> }> }).groups
    .flatMap((g) => g.rules.map((r) => r.record))
    .filter((r): r is string => r !== undefined),
);

/** Every name the services' registry exposes (histograms and summaries with their series suffixes). */
async function registryNames(): Promise<Set<string>> {
  // The modules the services count with; loading them registers their metrics.
  const { enableDefaultMetrics } = await import('../../packages/http/src/metrics.js');
  await import('@shop/messaging');
  await import('../../services/order/src/metrics.js');
  await import('../../services/inventory/src/metrics.js');
  await import('../../services/user/src/metrics.js');
  enableDefaultMetrics('dashboard-test');
  const names = new Set<string>();
  for (const m of await register.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
    if (String(m.type) === 'summary') for (const s of ['_sum', '_count']) names.add(m.name + s);
  }
  return names;
}

const EXPORTER = /^(pg|redis|rabbitmq|nginx|prometheus|alertmanager|go|kong)_/;
// An external broker (STACK_EXTERNAL_INFRA=1) may not be scraped (its plugin port is not ours).
const UNSCRAPED = process.env.STACK_EXTERNAL_INFRA === '1' ? /^rabbitmq_/ : /^$/;

describe('the Grafana dashboards and the drop status page', () => {
  let services: Set<string>;
  let live: Set<string>;
  beforeAll(async () => {
    services = await registryNames();
    live = await promNames();
  });

  it('when a dashboard is read, then it is a provisionable Grafana dashboard with a Prometheus query in every panel', () => {
    expect(dashboards.length).toBeGreaterThan(0);
    for (const { file, json } of dashboards) {
      expect({ file, uid: typeof json.uid, title: typeof json.title }).toEqual({ file, uid: 'string', title: 'string' });
      for (const p of json.panels.filter((x) => x.type !== 'row')) {
        expect({ file, panel: p.title, queries: (p.targets ?? []).length > 0 }).toEqual({ file, panel: p.title, queries: true });
      }
    }
  });

  it('when the queries are parsed, then each names a metric the services, a recording rule or a scraped exporter really exports', () => {
    const all = queries();
    expect(all.length).toBeGreaterThan(20);
    const unknown: string[] = [];
    for (const { where, expr } of all) {
      const names = metricNames(expr);
      if (names.length === 0) unknown.push(`${where}: no metric in ${expr}`);
      for (const name of names) {
        const known = SYNTHETIC.has(name) || UNSCRAPED.test(name) || (name.includes(':') ? recorded.has(name) : EXPORTER.test(name) ? live.has(name) : services.has(name));
        if (!known) unknown.push(`${where}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('when docs/metrics.md lists a metric of the shop or its messaging, then a dashboard panel shows it', () => {
    const documented = [...readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8').matchAll(/`((?:shop|messaging)_[a-z_]+)`/g)].map((m) => m[1]);
    expect(documented).toEqual(expect.arrayContaining(['shop_orders_total', 'messaging_consume_lag_seconds', 'messaging_tasks']));
    const shown = new Set(
      dashboards.flatMap((d) => queries().filter((q) => q.where.startsWith(`${d.file}:`)).flatMap((q) => metricNames(q.expr))),
    );
    const histogram = (name: string) => ['_bucket', '_count', '_sum'].some((s) => shown.has(name + s));
    expect(documented.filter((name) => !shown.has(name) && !histogram(name))).toEqual([]);
  });

  it('when a query names a metric nobody exports, then the check finds it (it can fail)', () => {
    expect(metricNames('sum by (outcome) (rate(shop_orderz_total{outcome="placed"}[1m])) / ignoring(x) up')).toEqual(['shop_orderz_total', 'up']);
    expect(services.has('shop_orderz_total')).toBe(false);
    expect(live.has('rabbitmq_no_such_metric')).toBe(false);
  });

  it('when Grafana is provisioned, then its data source is the compose Prometheus and it loads this directory', () => {
    const ds = parse(readFileSync(join(MON, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as { datasources: Array<{ uid: string; url: string }> };
    expect(ds.datasources).toEqual([expect.objectContaining({ uid: 'prometheus', url: 'http://prometheus:9090' })]);
    const sources = dashboards.flatMap((d) => d.json.panels.filter((p) => p.type !== 'row').map((p) => (p as { datasource?: { uid?: string } }).datasource?.uid));
    expect(new Set(sources)).toEqual(new Set(['prometheus']));
    const provider = parse(readFileSync(join(MON, 'grafana/provisioning/dashboards/shop.yml'), 'utf8')) as { providers: Array<{ options: { path: string } }> };
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});
