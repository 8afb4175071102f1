import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '@shop/logger';

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  close(): Promise<void>;
}

type Closer = () => Promise<unknown> | unknown;

/**
 * Listens, and on SIGTERM/SIGINT stops taking connections, lets in-flight requests
 * finish, then runs the closers (broker, relay, db, redis) in order.
 */
export async function startServer(
  app: Express,
  port: number,
  logger: Logger,
  closers: Closer[] = [],
  { handleSignals = true, host = '127.0.0.1' }: { handleSignals?: boolean; host?: string } = {},
): Promise<RunningServer> {
  const server = createServer(app);
  // Longer than nginx's upstream keepalive_timeout, so nginx closes idle sockets first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      for (const closer of closers) {
        try {
          await closer();
        } catch (err) {
          logger.warn({ err }, 'error while shutting down');
        }
      }
    })();
    return closing;
  };

  if (handleSignals) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        logger.info({ signal }, 'shutting down');
        const force = setTimeout(() => process.exit(1), 10_000);
        force.unref();
        close().then(() => process.exit(0));
      });
    }
  }
  logger.info({ port: actual }, 'listening');
  return { server, port: actual, url: `http://127.0.0.1:${actual}`, close };
}
