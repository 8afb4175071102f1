/**
 * A gRPC target from what an operator writes: a target URI as gRPC names them (`dns:///cart:4121`,
 * `ipv4:127.0.0.1:4121,127.0.0.1:4122`) is used as it is; a comma-separated list of IPv4
 * `host:port` becomes an `ipv4:` target (one subchannel per address, for round robin); one
 * `host:port` is resolved by DNS (every address the name has: compose's replicas, a headless
 * Kubernetes Service's pods).
 */
export function targetOf(spec: string): string {
  const value = spec.trim();
  if (/^(dns|ipv4|ipv6|unix|unix-abstract):/.test(value)) return value;
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error('a gRPC target needs at least one host:port');
  for (const p of parts) if (!/^[A-Za-z0-9.\-]+:\d{1,5}$/.test(p)) throw new Error(`not a host:port: ${p}`);
  if (parts.length === 1) return `dns:///${parts[0]}`;
  if (!parts.every((p) => /^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(p))) throw new Error('a list of several addresses must be IPv4 host:port (names: use one DNS name)');
  return `ipv4:${parts.join(',')}`;
}

/** Every port a target names (for the test that no internal client points at the edge). */
export function portsOf(target: string): number[] {
  return [...target.matchAll(/:(\d{1,5})(?=,|$)/g)].map((m) => Number(m[1]));
}
