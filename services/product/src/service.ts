import { composeService, type PlatformOverrides } from '@shop/service';
import { createApp } from './app.js';
import type { ProductConfig } from './config.js';

/** The composition root shared by main.ts and the component tests (the start-up is @shop/service). */
export function buildService(config: ProductConfig, options: PlatformOverrides = {}) {
  return composeService({ config, outbox: true, overrides: options, wire: (p) => ({ app: createApp(p) }) });
}

export type ProductService = ReturnType<typeof buildService>;
