import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span } from '@opentelemetry/api';

/** The tracer of the platform's own spans (broker hops, outbox relay, background work). */
export const tracer = trace.getTracer('@shop/telemetry');

export type Carrier = Record<string, unknown>;

/** Writes the active (or given) trace context into a carrier: AMQP headers, a row's columns. */
export function injectTrace(carrier: Carrier, ctx: Context = context.active()): Carrier {
  propagation.inject(ctx, carrier);
  return carrier;
}

/** The trace context a carrier holds (none: the root context, so a new trace starts). */
export function extractTrace(carrier: Carrier | undefined | null): Context {
  if (!carrier) return ROOT_CONTEXT;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(carrier)) {
    if (typeof v === 'string') headers[k] = v;
    else if (Buffer.isBuffer(v)) headers[k] = v.toString('utf8'); // AMQP long strings arrive as Buffers
  }
  return propagation.extract(ROOT_CONTEXT, headers);
}

/**
 * The W3C traceparent of the active span, to store with a row that something else picks up
 * later (an outbox row, a payment attempt); null outside a sampled span.
 */
export function currentTraceparent(): string | null {
  const span = trace.getActiveSpan();
  if (!span || !span.isRecording()) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
  return carrier.traceparent ?? null;
}

/** The context a stored traceparent names (null: a new trace). */
export function contextOf(traceparent: string | null | undefined): Context {
  return traceparent ? extractTrace({ traceparent }) : ROOT_CONTEXT;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent (default: the active context). */
  parent?: Context;
}

/** Runs `fn` in a new span that ends when it settles; a throw marks the span as an error. */
export async function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Records an error on a span. */
export function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** trace_id and span_id of the active span, for log lines (empty outside one). */
export function traceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!(traceFlags & TraceFlags.SAMPLED)) return {};
  return { trace_id: traceId, span_id: spanId };
}

export { context, SpanKind, SpanStatusCode, trace, type Context, type Span };

/** A span that continues a stored trace, for work picked up later in batches (a payment worker). */
export interface ResumedSpan {
  span: Span;
  /** Runs `fn` inside the span: its queries and the events it writes join the trace. */
  run<T>(fn: () => T): T;
  end(): void;
}

export function resumeTrace(name: string, traceparent: string | null | undefined, options: Omit<SpanOptions, 'parent'> = {}): ResumedSpan {
  const parent = contextOf(traceparent);
  const span = tracer.startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, parent);
  const ctx = trace.setSpan(parent, span);
  return { span, run: (fn) => context.with(ctx, fn), end: () => span.end() };
}
