import { ALLOWED_SENDERS, typesSentBy, type SenderTable } from '@shop/contracts';
import { EVENTS_EXCHANGE, QUORUM, RETRY_EXCHANGE, UNROUTED_EXCHANGE, UNROUTED_QUEUE } from './topology.js';

/**
 * What one service's broker user may do on a vhost (RabbitMQ permissions are regular
 * expressions over resource names; topic permissions over the routing keys of a topic exchange):
 * - configure (declare, delete): only its own queues, `<service>.<purpose>[.retry.N|.dlq]`;
 *   the exchanges and the unrouted queue are the admin's (provisionVhost declares them);
 * - write: its own queues (binding them), `shop.retry` and the default exchange (its retry and
 *   dead-letter copies), and `shop.events` only for a service that sends events, and there
 *   only the routing keys of the types it owns (@shop/contracts ALLOWED_SENDERS);
 * - read: its own queues, and the two exchanges it binds them to;
 * - no tags: no management UI or API.
 * The broker cannot tie the default exchange or `shop.retry` to a sender; that is what the
 * consumers' check of the broker-verified `user_id` is for (delivery.ts).
 */
export interface BrokerGrant {
  user: string;
  tags: '';
  permissions: { configure: string; write: string; read: string };
  /** Undefined for a service that sends no event: it may not write to `shop.events` at all. */
  topic?: { exchange: string; write: string; read: string };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const exactly = (names: readonly string[]) => `^(${names.map(escape).join('|')})$`;

export function brokerGrant(service: string, senders: SenderTable = ALLOWED_SENDERS): BrokerGrant {
  if (!/^[a-z][a-z0-9-]*$/.test(service)) throw new Error(`not a service name: ${service}`);
  const own = `${escape(service)}\\..+`;
  const types = typesSentBy(service, senders);
  const writes = [`${own}`, escape(RETRY_EXCHANGE), 'amq\\.default', ...(types.length ? [escape(EVENTS_EXCHANGE)] : [])];
  return {
    user: service,
    tags: '',
    permissions: {
      configure: `^${own}$`,
      write: `^(${writes.join('|')})$`,
      read: `^(${own}|${escape(EVENTS_EXCHANGE)}|${escape(RETRY_EXCHANGE)})$`,
    },
    topic: types.length ? { exchange: EVENTS_EXCHANGE, write: exactly(types), read: '.*' } : undefined,
  };
}

export interface ManagementApi {
  /** e.g. http://127.0.0.1:15672/api */
  url: string;
  user: string;
  password: string;
}

export interface BrokerUser {
  service: string;
  password: string;
}

async function call(api: ManagementApi, method: string, path: string, body?: unknown): Promise<Response> {
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${api.user}:${api.password}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok && !(method === 'DELETE' && res.status === 404)) {
    throw new Error(`RabbitMQ management ${method} ${path}: ${res.status} ${await res.text()}`);
  }
  return res;
}

/** Creates (or updates) each service's user: its password, no tags. Users are per broker, not per vhost. */
export async function provisionUsers(api: ManagementApi, users: readonly BrokerUser[]): Promise<void> {
  for (const u of users) {
    await call(api, 'PUT', `/users/${encodeURIComponent(u.service)}`, { password: u.password, tags: '' });
  }
}

/**
 * One vhost, idempotently: the vhost, the shared exchanges and the unrouted queue (declared
 * exactly as @shop/messaging's topology declares them), and every service user's grants
 * (brokerGrant). Run with an administrator's credentials.
 */
export async function provisionVhost(api: ManagementApi, vhost: string, services: readonly string[], senders: SenderTable = ALLOWED_SENDERS): Promise<void> {
  const v = encodeURIComponent(vhost);
  await call(api, 'PUT', `/vhosts/${v}`);
  await call(api, 'PUT', `/exchanges/${v}/${UNROUTED_EXCHANGE}`, { type: 'fanout', durable: true });
  await call(api, 'PUT', `/exchanges/${v}/${EVENTS_EXCHANGE}`, { type: 'topic', durable: true, arguments: { 'alternate-exchange': UNROUTED_EXCHANGE } });
  await call(api, 'PUT', `/exchanges/${v}/${RETRY_EXCHANGE}`, { type: 'direct', durable: true });
  await call(api, 'PUT', `/queues/${v}/${UNROUTED_QUEUE}`, {
    durable: true,
    arguments: { ...QUORUM, 'x-max-length': 10_000, 'x-message-ttl': 24 * 3600_000 },
  });
  await call(api, 'POST', `/bindings/${v}/e/${UNROUTED_EXCHANGE}/q/${UNROUTED_QUEUE}`, { routing_key: '' });
  for (const service of services) {
    const grant = brokerGrant(service, senders);
    const user = encodeURIComponent(grant.user);
    await call(api, 'PUT', `/permissions/${v}/${user}`, grant.permissions);
    if (grant.topic) await call(api, 'PUT', `/topic-permissions/${v}/${user}`, grant.topic);
    else await call(api, 'DELETE', `/topic-permissions/${v}/${user}`);
  }
}
