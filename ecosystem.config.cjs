// pm2 process file for the native stack: REPLICAS replicas of every service that
// exists yet (services/<name>/src/main.ts), ports and environment from
// docs/conventions.md. scripts/up.sh builds the services (npm run build: services/<name>/dist)
// and runs this file with PM2_HOME=.run/pm2.
//
// CommonJS on purpose: pm2 loads process files with require().
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS file has no other way */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = __dirname;
const LOGS = path.join(ROOT, '.run', 'logs');

// First replica's port; replica n listens on base + n - 1 (docs/conventions.md).
const SERVICES = { user: 4001, product: 4011, cart: 4021, order: 4031, inventory: 4041, email: 4051 };
// The internal gRPC APIs (packages/contracts/proto): replica n of cart serves on 4121 + n - 1,
// 100 above its HTTP port, and so on. Only the services that have one.
const GRPC_SERVICES = { cart: SERVICES.cart + 100, inventory: SERVICES.inventory + 100 };
/** Every replica of a gRPC service, as the `ipv4:` list the clients balance over (round robin). */
const grpcTarget = (svc) => Array.from({ length: REPLICAS }, (_, i) => `127.0.0.1:${GRPC_SERVICES[svc] + i}`).join(',');
/**
 * Replicas per service, set in one place: `REPLICAS=N npm run up` (1-9) records N in
 * .run/state/replicas, which this file, nginx/render.sh (the edge's upstreams) and the tests
 * read; docker-compose.yml takes the same variable. Default 2.
 */
function replicas() {
  const file = path.join(ROOT, '.run', 'state', 'replicas');
  const raw = process.env.REPLICAS || (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '') || '2';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 9) throw new Error(`REPLICAS must be 1-9 (each service has ten ports), got ${raw}`);
  return n;
}
const REPLICAS = replicas();
/**
 * The replicas reach Postgres through PgBouncer (transaction pooling, scripts/lib/pgbouncer.sh)
 * on 6432; with STACK_EXTERNAL_INFRA=1 (CI service containers) the external server directly.
 */
/**
 * V8's heap flags of every replica, in this one place. Without a limit V8 sizes the old generation
 * from the machine's memory (4.4 GB here) and then lets it grow to up to 4x what the last full GC
 * kept before collecting again; 384 MB also caps that factor near 1.35 (V8's heap controller scales
 * it down for heaps under 2 GB). At a drop's open an order replica allocates fast and keeps little:
 * a full GC brought 121-148 MB used down to 58-70 MB, and the old space went 129 > 54 MB at its
 * own full GC (2,500-buyer rehearsal, load-tests/results/buy-path-profile.md section 5), so the
 * heap grew on garbage (used ~200 MB, RSS ~410 MB per replica, 557 MB in a 5,000-buyer run).
 * 384 MB is 5x the live heap measured at the open and keeps the whole heap (old + up to 128 MB
 * young) plus the ~150 MB outside it under pm2's 1G max_memory_restart below, which stays the
 * guard for a native leak. The young generation: 64 MB semi-spaces, written down because V8
 * derives its default from the memory it sees (64 MB on this 24 GB machine with Node 24, 16 MB
 * or less for a heap sized under 1 GB, e.g. from a container's limit). Measured on one order
 * replica (load-tests/results/semi-space.md): 16 MB cost the sold-out lane 20-24% more CPU per
 * answer (32 MB 12-41%) for 55-80 MB less RSS; 128 MB saved nothing measurable for ~110 MB more.
 * The containers get the heap limit from the image (NODE_OPTIONS in the Dockerfile) and
 * max_memory_restart as their memory limit (docker-compose.yml, the Helm chart); test/deploy
 * keeps those equal. The image does not carry the semi-space flag yet (semi-space.md).
 */
const HEAP_ARGS = '--max-old-space-size=384 --max-semi-space-size=64';
/** Node 24 for the replicas where scripts/lib/prereqs.sh installed it; else the machine's node. */
const SERVICE_NODE = fs.existsSync(path.join(ROOT, '.run', 'tools', 'node', 'bin', 'node'))
  ? path.join(ROOT, '.run', 'tools', 'node', 'bin', 'node')
  : 'node';
/**
 * FAULT_PROXIES=1: the fault suite (test/faults/toxiproxy.ts) reloads the replicas with it, so
 * they reach PgBouncer, Redis, RabbitMQ, Keycloak and (the order service) inventory through
 * toxiproxy (docs/conventions.md, Ports) and a scenario can slow, cut or reset those links.
 * Never set by npm run up.
 */
const PROXIED = process.env.FAULT_PROXIES === '1';
const DB_PORT = process.env.STACK_EXTERNAL_INFRA === '1' ? 5432 : PROXIED ? 16432 : 6432;
const REDIS_PORT = PROXIED ? 16379 : 6379;
const AMQP_PORT = PROXIED ? 16672 : 5672;
// Keycloak through its proxy; its tokens still name 8080 (its --hostname) as their issuer.
const KEYCLOAK_PORT = PROXIED ? 18080 : 8080;

/** The environment one service process gets; scripts/lib/migrate.sh reuses it for migrations and seeds. */
function serviceEnv(name, instanceId, port) {
  const env = {
    NODE_ENV: 'development',
    PORT: String(port),
    SERVICE_NAME: name,
    INSTANCE_ID: instanceId,
    DATABASE_URL: `postgres://${name}_svc:${name}_pw@127.0.0.1:${DB_PORT}/${name}_db`,
    REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
    // Each service is its own broker user with only its own rights (scripts/broker-setup.ts);
    // the password is the local stack's, like the database's. Never guest.
    AMQP_URL: `amqp://${name}:${name}_mq_pw@127.0.0.1:${AMQP_PORT}`,
    KEYCLOAK_URL: `http://127.0.0.1:${KEYCLOAK_PORT}`,
    ...(PROXIED ? { KEYCLOAK_ISSUER_URL: 'http://127.0.0.1:8080' } : {}),
    KEYCLOAK_REALM: 'shop',
    JWT_AUDIENCE: 'shop-api',
    LOG_LEVEL: 'info',
    // Traces over OTLP to the stack's Jaeger (scripts/lib/jaeger.sh); the preload in node_args
    // starts the SDK. The one place of the native stack's sampling: a tenth of the traces a
    // service starts, and every trace a caller sent sampled (parent-based), which is how the e2e
    // tests follow one order (test/e2e/api.ts sampledTrace). OTEL_TRACES_SAMPLER / _ARG given to
    // `npm run up` override it (parentbased_always_on keeps every trace).
    OTEL_SERVICE_NAME: name,
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
    OTEL_TRACES_SAMPLER: process.env.OTEL_TRACES_SAMPLER || 'parentbased_traceidratio',
    OTEL_TRACES_SAMPLER_ARG: process.env.OTEL_TRACES_SAMPLER_ARG || '0.1',
    ...(process.env.OTEL_SDK_DISABLED ? { OTEL_SDK_DISABLED: process.env.OTEL_SDK_DISABLED } : {}),
  };
  if (name === 'email') env.SMTP_URL = 'smtp://127.0.0.1:1025';
  if (GRPC_SERVICES[name]) env.GRPC_PORT = String(GRPC_SERVICES[name] + (port - SERVICES[name]));
  // The order service reads carts and stock over gRPC from every replica, never through the edge.
  if (name === 'order') {
    env.CART_GRPC_TARGET = grpcTarget('cart');
    // The fault suite's proxy (test/faults/toxiproxy.ts) stands in front of inventory-1's gRPC port only.
    env.INVENTORY_GRPC_TARGET = PROXIED ? '127.0.0.1:18141' : grpcTarget('inventory');
  }
  // FAULT_ORDER_TTL_SECONDS=N: fault scenario R9 (test/faults/r09-reservation-expired.test.ts)
  // reloads the order replicas with orders that expire after N s, looked at every second, and
  // reloads them back without it. Never set by npm run up.
  if (name === 'order' && /^\d+$/.test(process.env.FAULT_ORDER_TTL_SECONDS || '')) {
    env.ORDER_TTL_SECONDS = process.env.FAULT_ORDER_TTL_SECONDS;
    env.PENDING_EXPIRY_INTERVAL_MS = '1000';
  }
  // The GraphQL gateway (product service) calls every replica of the services directly.
  if (name === 'product') {
    for (const svc of ['user', 'product', 'cart', 'order']) {
      env[`GRAPHQL_${svc.toUpperCase()}_URLS`] = Array.from({ length: REPLICAS }, (_, i) => `http://127.0.0.1:${SERVICES[svc] + i}`).join(',');
    }
  }
  return env;
}

function serviceApps(name, basePort) {
  if (!fs.existsSync(path.join(ROOT, 'services', name, 'src', 'main.ts'))) return [];
  // The compiled service (npm run build), not its TypeScript through tsx: a replica holds
  // 15-30 MB less and is ready sooner (docs/decisions.md, "Compiled JavaScript at run time").
  const main = path.join('services', name, 'dist', 'main.js');
  return Array.from({ length: REPLICAS }, (_, i) => {
    const instance = `${name}-${i + 1}`;
    const log = path.join(LOGS, `${instance}.log`);
    return {
      name: instance,
      cwd: ROOT,
      script: main,
      // `node --conditions=shop-dist --import ./packages/telemetry/dist/register.js
      // services/<name>/dist/main.js`, as in the conventions (and the heap flags above): the condition makes every @shop/*
      // import resolve to its dist/ too, and the import is the tracing preload, loaded before
      // any service module. On Node 24 when the machine's node is older (scripts/lib/prereqs.sh,
      // ensure_service_node).
      interpreter: SERVICE_NODE,
      node_args: `${HEAP_ARGS} --conditions=shop-dist --import ./packages/telemetry/dist/register.js`,
      exec_mode: 'fork',
      env: serviceEnv(name, instance, basePort + i),
      autorestart: true,
      // A leak guard, not a budget: during a drop's open the order replicas' heap grew from
      // ~100 to ~300 MB of mostly garbage (RSS up to 557 MB, load-tests/results/buy-path-profile.md)
      // before HEAP_ARGS, and a 400M limit made pm2 restart both twins mid-rehearsal. 1G is above
      // what V8 may hold under HEAP_ARGS plus the rest of a replica, and 12 of them fit this machine.
      max_memory_restart: '1G',
      // A service that crashes at boot backs off instead of spinning two cores.
      exp_backoff_restart_delay: 200,
      max_restarts: 50,
      min_uptime: 5000,
      // A reload (npm run pm2 -- reload ecosystem.config.cjs: one app at a time, scripts/pm2.sh)
      // stops the next replica only once this one listens (process.send('ready') in
      // @shop/service), so twins are never down together.
      wait_ready: true,
      listen_timeout: 30000,
      // Time to drain on SIGINT before pm2 kills: 5 s answering with Connection: close
      // (DRAIN_MS in @shop/http), then the requests in flight and the broker consumers.
      kill_timeout: 16000,
      out_file: log,
      error_file: log,
      merge_logs: true,
    };
  });
}

/**
 * Replica 1 of every service, then replica 2 of every service, ...: the order of a fresh start.
 * It does not keep twins apart in a reload: pm2 reloads in the order of its process ids (which
 * a delete and start changes), so scripts/pm2.sh, the way every pm2 command is run, makes pm2
 * act on one app at a time; with wait_ready a service's twins are then never down together.
 */
function interleaved(perService) {
  const out = [];
  for (let i = 0; i < REPLICAS; i++) for (const apps of perService) if (apps[i]) out.push(apps[i]);
  return out;
}

// Keeps every log in .run/logs bounded (copy, truncate, keep 2 old copies; see the script).
// Not a service: no PORT, so scripts/lib/services.sh does not wait for its readiness.
const LOG_ROTATE = {
  name: 'log-rotate',
  cwd: ROOT,
  script: path.join('scripts', 'logs', 'rotate-loop.ts'),
  interpreter: 'node',
  node_args: '--import tsx',
  exec_mode: 'fork',
  env: { LOG_DIR: LOGS, LOG_MAX_BYTES: String(64 * 1024 * 1024), LOG_KEEP: '2', LOG_ROTATE_EVERY_MS: '30000' },
  autorestart: true,
  max_memory_restart: '100M',
  out_file: path.join(LOGS, 'log-rotate.log'),
  error_file: path.join(LOGS, 'log-rotate.log'),
  merge_logs: true,
};

module.exports = {
  apps: [...interleaved(Object.entries(SERVICES).map(([name, port]) => serviceApps(name, port))), LOG_ROTATE],
  serviceEnv,
  SERVICES,
  GRPC_SERVICES,
  REPLICAS,
};
