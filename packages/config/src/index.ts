export { loadConfig } from './load-config.js';
export { baseEnv, serviceEnv, migrationEnv, type ServiceEnv } from './base-env.js';
export { z } from 'zod';
