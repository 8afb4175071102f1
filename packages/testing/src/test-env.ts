/**
 * Where component tests find the real servers. Tests use each service's `<name>_test`
 * database, a RabbitMQ vhost of their own (`test-<name>`, made afresh by the jest global
 * setup) and Redis database 1, so they never disturb the platform running beside them,
 * nor each other: a service's durable queues would otherwise collect, and later consume,
 * events that another service's tests published.
 */
export interface TestEnv {
  SERVICE_NAME: string;
  NODE_ENV: 'test';
  LOG_LEVEL: string;
  DATABASE_URL: string;
  REDIS_URL: string;
  AMQP_URL: string;
  KEYCLOAK_URL: string;
  KEYCLOAK_REALM: string;
  JWT_AUDIENCE: string;
  [key: string]: string;
}

/**
 * A service's own broker user on a test vhost (never guest, as on the stack): the jest global
 * setup grants each service on every test vhost exactly what scripts/broker-setup.ts grants on
 * the stack's. The password is the local stack's (ecosystem.config.cjs).
 */
export function testAmqpUrl(service: string, vhost = `test-${service}`): string {
  return `amqp://${service}:${service}_mq_pw@127.0.0.1:5672/${encodeURIComponent(vhost)}`;
}

/** An administrator on the test vhosts, for tests that inspect or purge queues from outside. */
export const TEST_ADMIN_AMQP = (vhost: string): string => `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`;

export function testEnv(service: string, extra: Record<string, string> = {}): TestEnv {
  return {
    SERVICE_NAME: service,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // TEST_DATABASE_PORT=6432: the same suites through the stack's PgBouncer (transaction pooling).
    DATABASE_URL: `postgres://${service}_svc:${service}_pw@127.0.0.1:${process.env.TEST_DATABASE_PORT ?? '5432'}/${service}_test`,
    REDIS_URL: 'redis://127.0.0.1:6379/1',
    AMQP_URL: testAmqpUrl(service),
    KEYCLOAK_URL: 'http://127.0.0.1:8080',
    KEYCLOAK_REALM: 'shop',
    JWT_AUDIENCE: 'shop-api',
    ...extra,
  };
}

/** The vhosts the jest global setup recreates before every run. */
export const TEST_VHOSTS = ['test', 'messaging-test', 'test-order-peers', ...['user', 'product', 'cart', 'order', 'inventory', 'email'].map((s) => `test-${s}`)];
