/**
 * The broker's users and rights, idempotently, through the management HTTP API:
 *   node --import tsx scripts/broker-setup.ts [--vhost NAME]... (default: the stack's "/")
 * For every vhost: the shared exchanges and the unrouted queue, then each service's user with
 * only its own rights (packages/messaging/src/provision.ts, brokerGrant). Run by
 * scripts/lib/rabbitmq.sh (native stack), the jest global setup (test vhosts) and the compose
 * one-shot `rabbitmq-setup`.
 *
 * Environment: RABBIT_API (default http://127.0.0.1:15672/api), RABBIT_ADMIN_USER and
 * RABBIT_ADMIN_PASSWORD (an administrator; default guest/guest, the local broker's),
 * AMQP_PASSWORD_<SERVICE> (e.g. AMQP_PASSWORD_ORDER) for each service's password; without
 * it, the password in that service's AMQP_URL in ecosystem.config.cjs (the native stack's).
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { provisionUsers, provisionVhost, type BrokerUser } from '@shop/messaging';

const require = createRequire(import.meta.url);
const SERVICES = ['user', 'product', 'cart', 'order', 'inventory', 'email'] as const;

function passwordOf(service: string): string {
  const fromEnv = process.env[`AMQP_PASSWORD_${service.toUpperCase()}`];
  if (fromEnv) return fromEnv;
  const ecosystem = require('../ecosystem.config.cjs') as { serviceEnv(name: string, id: string, port: number): { AMQP_URL: string } };
  const url = new URL(ecosystem.serviceEnv(service, service, 0).AMQP_URL);
  if (decodeURIComponent(url.username) !== service) throw new Error(`ecosystem.config.cjs: ${service} must connect as the broker user "${service}"`);
  return decodeURIComponent(url.password);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { vhost: { type: 'string', multiple: true } } });
  const vhosts = values.vhost?.length ? values.vhost : ['/'];
  const api = {
    url: process.env.RABBIT_API ?? 'http://127.0.0.1:15672/api',
    user: process.env.RABBIT_ADMIN_USER ?? 'guest',
    password: process.env.RABBIT_ADMIN_PASSWORD ?? 'guest',
  };
  const users: BrokerUser[] = SERVICES.map((service) => ({ service, password: passwordOf(service) }));
  await provisionUsers(api, users);
  for (const vhost of vhosts) await provisionVhost(api, vhost, SERVICES);
  console.log(`broker users ${SERVICES.join(', ')}: rights on ${vhosts.join(', ')}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
