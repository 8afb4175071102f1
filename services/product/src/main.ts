import { runService } from '@shop/service';
import { loadProductConfig } from './config.js';
import { buildService } from './service.js';

await runService(buildService(loadProductConfig()));
