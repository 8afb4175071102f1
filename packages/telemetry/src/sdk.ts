import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { TelemetryConfig } from './config.js';

export function samplerFor(config: Pick<TelemetryConfig, 'OTEL_TRACES_SAMPLER' | 'OTEL_TRACES_SAMPLER_ARG'>): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG);
  switch (config.OTEL_TRACES_SAMPLER) {
    case 'always_on': return new AlwaysOnSampler();
    case 'always_off': return new AlwaysOffSampler();
    case 'traceidratio': return ratio;
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: ratio });
    case 'parentbased_always_on': return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/**
 * Paths nobody wants a trace of: probes and scrapes, many a second; and a drop's joins and polls,
 * thousands a second from the crowd, each one Redis script whose latency the request metrics
 * already show. Their spans halved a replica's joins: 821 joins/s traced, 1,257 with these paths quiet
 * (load-tests/results/buy-path-profile.md, "The join").
 */
export const QUIET_PATHS = /^\/(health\/|metrics$|api\/drops\/[^/?]+\/queue(\/me(\/wait)?)?\/?(\?|$))/;

/**
 * The process's tracer provider, W3C propagator and instrumentations: incoming and outgoing
 * HTTP (node:http and fetch/undici), Express routes, Postgres (pg) and Redis (ioredis). The
 * broker hop and the outbox are spanned by @shop/messaging itself. Database and Redis spans
 * are only made inside a traced request or message: the relay's and the jobs' polling would
 * otherwise be a trace every 200 ms per replica.
 */
export function startTracing(config: TelemetryConfig): { shutdown(): Promise<void> } {
  const serviceName = config.OTEL_SERVICE_NAME ?? config.SERVICE_NAME ?? 'unknown';
  const endpoint = (config.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://127.0.0.1:4318').replace(/\/$/, '');
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': serviceName,
      ...(config.INSTANCE_ID ? { 'service.instance.id': config.INSTANCE_ID } : {}),
    }),
    sampler: samplerFor(config),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces`, timeoutMillis: 2_000 }),
        maxQueueSize: 4_096,
        scheduledDelayMillis: 1_000,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => QUIET_PATHS.test(req.url ?? ''),
        // Outgoing calls go through fetch (undici); node:http clients (amqplib's management
        // calls, Keycloak's admin client) are traced only inside a request.
        requireParentforOutgoingSpans: true,
      }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
      // One span per route handler (it names the route); no span per middleware.
      new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  return { shutdown: () => provider.shutdown() };
}
