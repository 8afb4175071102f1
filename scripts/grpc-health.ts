/**
 * grpc.health.v1 Check of gRPC servers: `tsx scripts/grpc-health.ts [--wait SECONDS] host:port...`.
 * Prints each address's status; exits 0 when every one is SERVING (with --wait: once they all
 * are, polling), else 1. scripts/up.sh waits on it for the replicas' gRPC ports.
 */
import { checkHealth } from '@shop/rpc';

const args = process.argv.slice(2);
const waitAt = args.indexOf('--wait');
const waitSec = waitAt >= 0 ? Number(args.splice(waitAt, 2)[1]) : 0;
if (args.length === 0 || !Number.isFinite(waitSec)) {
  console.error('usage: tsx scripts/grpc-health.ts [--wait SECONDS] host:port...');
  process.exit(2);
}
const deadline = Date.now() + waitSec * 1000;
let pending = args;
for (;;) {
  const statuses = await Promise.all(pending.map(async (a) => [a, await checkHealth(a)] as const));
  pending = statuses.filter(([, s]) => s !== 'SERVING').map(([a]) => a);
  if (pending.length === 0 || Date.now() >= deadline) {
    for (const [address, status] of statuses) console.log(`${address} ${status}`);
    process.exit(pending.length === 0 ? 0 : 1);
  }
  await new Promise((r) => setTimeout(r, 500));
}
