/**
 * The tracing preload: `node --conditions=shop-dist --import ./packages/telemetry/dist/register.js
 * services/<name>/dist/main.js` (the stack's pm2 file, compose, Helm). It must run before the services' modules load,
 * so that pg, ioredis, express and http are patched when they are first imported; the ESM
 * loader hook (import-in-the-middle) is told only about the modules the instrumentations name.
 */
import { register } from 'node:module';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { loadConfig } from '@shop/config';
import { telemetryEnv } from './config.js';

const config = loadConfig(telemetryEnv);
if (!config.OTEL_SDK_DISABLED && config.OTEL_EXPORTER_OTLP_ENDPOINT) {
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  const { startTracing } = await import('./sdk.js');
  const tracing = startTracing(config);
  await waitForAllMessagesAcknowledged();
  // Spans still buffered go out before the process ends (start-up.ts exits after its closers).
  process.once('beforeExit', () => void tracing.shutdown().catch(() => undefined));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.prependListener(signal, () => void tracing.shutdown().catch(() => undefined));
  }
}
