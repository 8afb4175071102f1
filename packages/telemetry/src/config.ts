import { z } from 'zod';

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

/**
 * The OpenTelemetry variables the preload reads (the names are the SDK's own). Tracing is on
 * when an OTLP endpoint is set: the stack sets it for the replicas, and a component test or a
 * script without it pays nothing.
 */
export const telemetryEnv = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  SERVICE_NAME: z.string().min(1).optional(),
  INSTANCE_ID: z.string().min(1).optional(),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).default('parentbased_always_on'),
  /** The ratio for the traceidratio samplers. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});

export type TelemetryConfig = z.infer<typeof telemetryEnv>;
export type SamplerName = (typeof SAMPLERS)[number];
