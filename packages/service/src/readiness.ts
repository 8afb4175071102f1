import type { Auth } from '@shop/auth';
import type { RedisClient } from '@shop/cache';
import { pingDb, type Db } from '@shop/db';
import type { ReadinessChecks } from '@shop/http';
import type { Broker } from '@shop/messaging';

export type Dependency = 'db' | 'redis' | 'broker' | 'keycloak';

interface Clients {
  db?: Db;
  redis?: Pick<RedisClient, 'ping'>;
  broker?: Pick<Broker, 'assertConnected'>;
  auth?: Pick<Auth, 'ready'>;
}

/**
 * The readiness checks, written once: a service names the dependencies it cannot serve
 * without (`readinessOf(deps, 'db', 'redis', 'broker')`) and /health/ready runs those.
 */
export function readinessOf(clients: Clients, ...names: Dependency[]): ReadinessChecks {
  const need = <T>(value: T | undefined, name: Dependency): T => {
    if (value === undefined) throw new Error(`readiness: ${name} was named but not given`);
    return value;
  };
  const checks: Record<Dependency, () => () => unknown> = {
    db: () => { const db = need(clients.db, 'db'); return () => pingDb(db); },
    redis: () => { const redis = need(clients.redis, 'redis'); return () => redis.ping(); },
    broker: () => { const broker = need(clients.broker, 'broker'); return () => broker.assertConnected(); },
    keycloak: () => { const auth = need(clients.auth, 'keycloak'); return () => auth.ready(); },
  };
  return Object.fromEntries(names.map((n) => [n, checks[n]()]));
}
