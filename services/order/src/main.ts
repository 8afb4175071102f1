import { runService } from '@shop/service';
import { readConfig } from './config.js';
import { buildService } from './service.js';

await runService(buildService(readConfig()));
