export { loadConfig } from './load-config.js';
export { baseEnv, serviceEnv, migrationEnv, grpcServerEnv, grpcTarget, EDGE_PORT, type ServiceEnv } from './base-env.js';
export { z } from 'zod';
