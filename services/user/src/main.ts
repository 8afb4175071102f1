import { startServer } from '@shop/http';
import { readConfig } from './config.js';
import { buildService } from './service.js';

// config → db → redis → broker → http; SIGTERM drains requests, then runs the closers in order.
const config = readConfig();
const service = buildService(config);
await service.db.raw('select 1').catch((err: Error) => service.logger.warn({ err: err.message }, 'database not reachable yet'));
await startServer(service.app, config.PORT, service.logger, service.closers);
