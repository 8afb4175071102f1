import { BlockList, isIP } from 'node:net';
import type { Request } from 'express';

/** Loopback only: natively, nginx on 127.0.0.1 is the one proxy in front of a replica. */
export const LOOPBACK_PROXIES = ['127.0.0.0/8', '::1/128'];

/** Builds the set of peers whose X-Real-IP is believed, from CIDRs or single addresses. */
export function trustedProxySet(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of cidrs) {
    const [addr, bits] = entry.trim().split('/');
    const family = isIP(addr);
    if (family === 0) throw new Error(`trustedProxies: "${entry}" is not an IP address or CIDR`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr, type);
    else list.addSubnet(addr, Number(bits), type);
  }
  return list;
}

function normalize(address: string): string {
  // An IPv4 peer on a dual-stack socket shows up as ::ffff:a.b.c.d.
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

function isTrusted(address: string, trusted: BlockList): boolean {
  const family = isIP(address);
  return family !== 0 && trusted.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The caller's address as the edge saw it. nginx overwrites X-Real-IP with its own
 * $remote_addr, so the header is believed only when the TCP peer is a trusted proxy.
 * X-Forwarded-For is never read: a client can put anything in it, and nginx passes
 * only what it overwrote. Express's `trust proxy` / req.ip are not used either, so a
 * service's setting there cannot widen what is believed.
 */
export function clientAddress(req: Request, trusted: BlockList): string {
  const peer = normalize(req.socket.remoteAddress ?? '');
  if (!isTrusted(peer, trusted)) return peer || 'unknown';
  const header = req.headers['x-real-ip'];
  const claimed = typeof header === 'string' ? normalize(header.trim()) : '';
  return isIP(claimed) ? claimed : peer;
}
