import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Logger } from '@shop/logger';

export interface RunningServer {
  server: Server;
  port: number;
  url: string;
  /** `drainMs`: keep answering that long first, each answer closing its connection (see DRAIN_MS). */
  close(drainMs?: number): Promise<void>;
}

/**
 * How long a replica told to stop (pm2 reload, SIGTERM) keeps answering before it closes its
 * port: longer than nginx's upstream keepalive_timeout (4 s), and every answer meanwhile says
 * `Connection: close`. So by the time the port closes, nginx holds no idle keep-alive socket to
 * this replica: a POST it sent on one that Node was closing would be a 502 (nginx never re-sends a
 * POST), while a refused connection goes to the twin. Measured by fault R13 (pm2 reload under load).
 */
export const DRAIN_MS = 5_000;

/**
 * The listen backlog of every service's HTTP port (the kernel's accept queue): the edge's own
 * (`listen ... backlog=4096` in nginx/*.conf*). Node's default is 511; during a drop's join spike
 * (4,750 joins in ~3 s) the order replicas' queue overflowed (TcpExtListenOverflows), nginx's
 * connects timed out after 1 s, and it took both replicas out ("no live upstreams"). The kernel
 * caps it at net.core.somaxconn (4096 on this machine; docs/conventions.md, Runtime layout).
 */
export const LISTEN_BACKLOG = 4096;

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
  {
    handleSignals = true,
    host = '127.0.0.1',
    backlog = LISTEN_BACKLOG,
  }: { handleSignals?: boolean; host?: string; backlog?: number } = {},
): Promise<RunningServer> {
  const server = createServer(app);
  // Longer than nginx's upstream keepalive_timeout, so nginx closes idle sockets first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen({ port, host, backlog }, resolve));
  const actual = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  let draining = false;
  server.prependListener('request', (_req, res) => {
    if (draining) res.setHeader('Connection', 'close');
  });

  const close = (drainMs = 0): Promise<void> => {
    closing ??= (async () => {
      draining = true;
      if (drainMs > 0) await new Promise((r) => setTimeout(r, drainMs));
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
        const force = setTimeout(() => process.exit(1), DRAIN_MS + 10_000);
        force.unref();
        close(DRAIN_MS).then(() => process.exit(0));
      });
    }
  }
  logger.info({ port: actual }, 'listening');
  return { server, port: actual, url: `http://127.0.0.1:${actual}`, close };
}
