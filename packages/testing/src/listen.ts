import { startServer, type RunningServer, type Express } from '@shop/http';
import { createLogger } from '@shop/logger';

/** Starts an app in-process on a free port, without signal handlers; call close() after. */
export function listen(app: Express, closers: Array<() => Promise<unknown> | unknown> = []): Promise<RunningServer> {
  return startServer(app, 0, createLogger('test', 'silent'), closers, { handleSignals: false });
}
