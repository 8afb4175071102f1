import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';
import type { RequestHandler } from 'express';

export const metricsRegistry = register;
let started = false;

export function enableDefaultMetrics(service: string): void {
  if (started) return;
  started = true;
  register.setDefaultLabels({ service });
  collectDefaultMetrics();
}

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by route and status',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});

/**
 * Every error answer by its stable code: the refusals a shop watches (OUT_OF_STOCK from the
 * sale gate, PURCHASE_LIMIT_EXCEEDED from the cap, RATE_LIMITED from any limiter,
 * INVALID_CREDENTIALS from a wrong password, ADMISSION_REQUIRED from the drop) are counted
 * once, where whatever a rule threw becomes the answer (`errorReply`), not again beside each rule.
 */
const httpErrors = new Counter({
  name: 'http_request_errors_total',
  help: 'Error answers by route, status and error code',
  labelNames: ['method', 'route', 'status', 'code'],
});

/** Counts one error answer (called by the error handler and by the lean lane, which both answer with errorReply). */
export function countError(method: string, route: string, status: number, code: string): void {
  httpErrors.inc({ method, route, status: String(status), code });
}

const ID_SEGMENT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)$/i;

/**
 * The label for a request: its path with ids folded to `:id`, or `unmatched` when no route
 * took it (arbitrary 404 paths would explode the label set). Built from the path rather
 * than `req.baseUrl + req.route.path` because express resets baseUrl when an error leaves
 * a router, which would file every failed request under its sub-route alone.
 */
export function routeLabel(matched: boolean, path: string): string {
  if (!matched) return 'unmatched';
  const folded = path.split('/').map((segment) => (ID_SEGMENT.test(segment) ? ':id' : segment)).join('/');
  return folded.length > 1 ? folded.replace(/\/$/, '') : folded;
}

/** Records one request (the lean lane, which has no express middleware). */
export function observeRequest(method: string, route: string, status: number, seconds: number): void {
  httpDuration.observe({ method, route, status: String(status) }, seconds);
}

/** Times each request by route and status. */
export const httpMetrics: RequestHandler = (req, res, next) => {
  const end = httpDuration.startTimer();
  const path = req.path;
  res.on('finish', () => {
    end({ method: req.method, route: routeLabel(req.route !== undefined, path), status: String(res.statusCode) });
  });
  next();
};

/** One sample of a scrape gauge: its labels (none on an unlabelled gauge) and its value. */
export interface GaugeSample {
  labels?: Record<string, string>;
  value: number;
}

/**
 * A gauge read when Prometheus scrapes and never in between: `read` gives the value (or every
 * labelled sample; those of the last scrape are cleared, so a drop that ended disappears).
 * Registered once per process, however often its module is loaded (jest loads one per suite).
 */
export function scrapeGauge(name: string, help: string, labels: string[], read: () => Promise<number | GaugeSample[]>): Gauge {
  return (register.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({
      name,
      help,
      labelNames: labels,
      async collect() {
        const got = await read();
        this.reset();
        if (typeof got === 'number') this.set(got);
        else for (const s of got) this.set(s.labels ?? {}, s.value);
      },
    });
}

/**
 * One reading shared by the gauges of a scrape (collected one after another): what `watch`
 * named runs at most once a second. Nothing watched reads `idle`; a failed read, `failed`.
 */
export function scrapeReading<R>(idle: R, failed: R): { watch(read: (() => Promise<R>) | undefined): void; get(): Promise<R> } {
  let read: (() => Promise<R>) | undefined;
  let last: { at: number; value: Promise<R> } | undefined;
  return {
    watch(next) {
      read = next;
      last = undefined;
    },
    get() {
      if (!read) return Promise.resolve(idle);
      const now = Date.now();
      if (!last || now - last.at > 1_000) last = { at: now, value: read().catch(() => failed) };
      return last.value;
    },
  };
}
