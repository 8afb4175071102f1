import { createServer, connect as tcp, type Server, type Socket } from 'node:net';

/**
 * How a link between a client and its server misbehaves:
 * - `hold`: nothing gets through either way until released, then everything held is delivered
 *   (a server stuck in a long command, a network that stalls);
 * - `drop`: what the server sends back is thrown away, what the client sends still arrives (the
 *   server acts on it), connections stay open: toxiproxy's `timeout` toxic with timeout 0 on the
 *   downstream stream, as in fault R10;
 * - `off`: a clean link.
 */
export type LinkFault = 'hold' | 'drop' | 'off';

export interface HungLink {
  /** The port to point the client at (127.0.0.1). */
  port: number;
  set(fault: LinkFault): void;
  close(): Promise<void>;
}

/**
 * A TCP relay in front of a real server (a real Redis, say) that can go silent without closing
 * anything, for tests of what a client does when its server hangs. No mock: every byte that
 * gets through is the real server's.
 */
export async function hungLink(target: { host?: string; port: number }): Promise<HungLink> {
  let fault: LinkFault = 'off';
  const held: Array<() => void> = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcp(target.port, target.host ?? '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    const relay = (to: Socket, downstream: boolean) => (d: Buffer) => {
      if (fault === 'hold') held.push(() => to.write(d));
      else if (fault === 'drop' && downstream) return;
      else to.write(d);
    };
    client.on('data', relay(upstream, false));
    upstream.on('data', relay(client, true));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    set: (next) => {
      fault = next;
      if (next !== 'hold') for (const release of held.splice(0)) release();
    },
    close: async () => {
      fault = 'off';
      held.length = 0;
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
