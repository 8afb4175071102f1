// The drop: one product with UNITS units, USERS customers holding tokens obtained before
// the load, ATTEMPTS purchase attempts all at once with their own idempotency keys and
// some retries. Afterwards it checks through the API that nothing was oversold, no key
// made two orders and every order reached a final state, and how long that took.
import http from 'k6/http';
import exec from 'k6/execution';
import encoding from 'k6/encoding';
import { check, sleep } from 'k6';
import { Counter, Gauge, Trend } from 'k6/metrics';
import { BASE_URL, num } from './lib/env.js';
import { ADMIN, bearer, login } from './lib/auth.js';
import { tick, withTimeline } from './lib/timeline.js';

const UNITS = num('UNITS', 1000);
const USERS = num('USERS', 1000);
const ATTEMPTS = num('ATTEMPTS', 20000);
const RETRY_EVERY = num('RETRY_EVERY', 10); // every Nth attempt is sent twice with the same key
const USER_PREFIX = __ENV.USER_PREFIX || 'drop-user';
const PASSWORD = 'Drop-pass-123!';

const accepted = new Counter('drop_accepted');
const soldOut = new Counter('drop_sold_out');
const capped = new Counter('drop_capped');
const limited = new Counter('drop_rate_limited');
const unexpected = new Counter('drop_unexpected');
// 503 DEPENDENCY_UNAVAILABLE with Retry-After: the service shedding load (a pool wait ran out), nothing made.
const shed = new Counter('drop_shed');
const retryNotReplayed = new Counter('drop_retry_not_replayed');
const keyDoubled = new Counter('drop_key_doubled');
const soldOutLatency = new Trend('drop_sold_out_latency', true);
const sold = new Gauge('drop_sold');
const oversold = new Gauge('drop_oversold');
const conserved = new Gauge('drop_conserved');
const pendingLeft = new Gauge('drop_reservations_left');
const settleSeconds = new Gauge('drop_settle_seconds');
const ordersOpen = new Gauge('drop_orders_open');
const ordersConfirmed = new Gauge('drop_orders_confirmed');
const lost = new Gauge('drop_lost');
const unsold = new Gauge('drop_unsold');

// Two ways to send the flood. Default: VUS customers in a closed loop, each sending its next
// attempt as soon as the last is answered (latency then measures queueing: VUS / throughput).
// RATE=n: an open model, n attempts per second whatever the answers take (ATTEMPTS / RATE
// seconds), which is how a real crowd behaves and what a latency target is measured against.
const RATE = num('RATE', 0);
const flood = RATE > 0
  ? {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: `${Math.ceil(ATTEMPTS / RATE)}s`,
      preAllocatedVUs: num('VUS', 200),
      maxVUs: num('MAX_VUS', 2000),
    }
  : {
      executor: 'shared-iterations',
      vus: num('VUS', 200),
      iterations: ATTEMPTS,
      maxDuration: __ENV.MAX_DURATION || '180s',
    };

// Refusals are answers, not failures: a sold-out 409 or an anti-hoarding 429 is the shop working.
http.setResponseCallback(http.expectedStatuses(200, 201, 202, 409, 429));

export const options = {
  setupTimeout: '900s',
  teardownTimeout: '120s',
  scenarios: { drop: flood },
  thresholds: withTimeline({
    drop_oversold: ['value==0'],
    drop_key_doubled: ['count==0'],
    drop_unexpected: ['count==0'],
    drop_conserved: ['value==1'],
    drop_reservations_left: ['value==0'],
    drop_settle_seconds: ['value<=10'],
    drop_orders_open: ['value==0'],
    drop_lost: ['value==0'],
    drop_unsold: ['value==0'], // units left while customers were told "sold out" (the gate undersold)
    drop_sold_out_latency: ['p(99)<=50'],
  }),
};

/** Registers (or finds) and logs in USERS customers, 20 requests in flight at a time. */
function usersInBatches(count) {
  const tokens = [];
  const batch = num('SETUP_BATCH', 20);
  for (let start = 0; start < count; start += batch) {
    const users = [];
    for (let n = start; n < Math.min(count, start + batch); n++) users.push({ email: `${USER_PREFIX}-${n}@load.test`, password: PASSWORD, name: `Drop Customer ${n}` });
    const post = (path, body) => ['POST', `${BASE_URL}${path}`, JSON.stringify(body), { headers: { 'Content-Type': 'application/json' }, tags: { name: 'setup' } }];
    // Sign-ups are rate-limited per address (all of k6 is one address): wait out 429s.
    let pending = users;
    for (let attempt = 0; pending.length > 0 && attempt < 30; attempt++) {
      const regs = http.batch(pending.map((u) => post('/api/auth/register', u)));
      const limited = regs.filter((r) => r.status === 429);
      if (limited.length === 0) break;
      sleep(Math.min(60, Math.max(...limited.map((r) => Number(r.headers['Retry-After']) || 1))));
      pending = pending.filter((_, n) => regs[n].status === 429);
    }
    const logins = http.batch(users.map((u) => post('/api/auth/login', { email: u.email, password: u.password })));
    logins.forEach((res, n) => {
      if (res.status !== 200) throw new Error(`login ${users[n].email}: ${res.status} ${res.body}`);
      tokens.push(res.json('accessToken'));
    });
  }
  return tokens;
}

export function setup() {
  const admin = login(ADMIN.email, ADMIN.password);
  const sku = `DROP-${Date.now()}`;
  const created = http.post(
    `${BASE_URL}/api/products`,
    JSON.stringify({ sku, name: `Limited drop ${sku}`, price: 4999, currency: 'EUR', initialStock: UNITS, maxPerCustomer: num('CAP', 2) }),
    bearer(admin),
  );
  if (created.status !== 201) throw new Error(`create drop product: ${created.status} ${created.body}`);
  const productId = created.json('id');
  for (let i = 0; i < 100; i++) {
    const stock = http.get(`${BASE_URL}/api/inventory/${productId}`);
    if (stock.status === 200 && stock.json('available') === UNITS) break;
    sleep(0.2);
  }
  const tokens = usersInBatches(USERS);
  sleep(1); // let the order service's product snapshot catch up
  console.log(`hop-cpu:start the flood begins (load-tests/profile/hop-cpu.sh snapshots CPU here)`);
  return { productId, tokens, startedAt: Date.now() };
}

function place(token, key, productId) {
  const body = JSON.stringify({ items: [{ productId, quantity: 1 }], paymentToken: 'tok_visa' });
  return http.post(`${BASE_URL}/api/orders`, body, bearer(token, { 'Idempotency-Key': key }));
}

export default function ({ productId, tokens }) {
  tick();
  const i = exec.scenario.iterationInTest;
  const token = tokens[i % tokens.length];
  const key = `${exec.scenario.startTime}-${i}`;
  const res = place(token, key, productId);
  const code = res.status === 202 ? 'ACCEPTED' : res.json('error.code');
  if (code === 'ACCEPTED') accepted.add(1);
  else if (code === 'OUT_OF_STOCK') {
    soldOut.add(1);
    soldOutLatency.add(res.timings.duration);
  } else if (code === 'PURCHASE_LIMIT_EXCEEDED') capped.add(1);
  else if (res.status === 429) limited.add(1);
  else if (res.status === 503) shed.add(1);
  else unexpected.add(1, { status: String(res.status), code: String(code) });

  if (code === 'ACCEPTED' && i % RETRY_EVERY === 0) {
    // The key made an order: its retry replays that order, even after the sell-out.
    const again = place(token, key, productId);
    // A second order is a 202 with another id; a refusal (409 in flight, 429, 503) made nothing.
    const doubled = again.status === 202 && again.json('id') !== res.json('id');
    if (doubled) keyDoubled.add(1);
    if (again.status !== 202) retryNotReplayed.add(1, { status: String(again.status) });
    check(again, { 'a retried key never makes a second order': () => !doubled });
  }
}

/** The user id (Keycloak `sub`) inside an access token. */
function subjectOf(token) {
  return JSON.parse(encoding.b64decode(token.split('.')[1], 'rawurl', 's')).sub;
}

const FINAL = new Set(['CONFIRMED', 'REJECTED', 'EXPIRED', 'CANCELLED']);

/**
 * The drop's orders of each user still not final, listed as admin. Users whose drop orders
 * are all final are taken out of `open` (they stay final), so each poll asks fewer.
 */
function pollOrders(admin, productId, startedAt, open, confirmed) {
  const users = [...open];
  for (let start = 0; start < users.length; start += 50) {
    const chunk = users.slice(start, start + 50);
    const replies = http.batch(chunk.map((userId) => ['GET', `${BASE_URL}/api/orders?userId=${userId}&limit=100`, null, { ...bearer(admin), tags: { name: 'teardown' } }]));
    replies.forEach((res, n) => {
      if (res.status !== 200) return;
      const mine = res.json('items').filter((o) => Date.parse(o.createdAt) >= startedAt - 1000 && o.items.some((l) => l.productId === productId));
      if (mine.every((o) => FINAL.has(o.status))) {
        open.delete(chunk[n]);
        confirmed.n += mine.filter((o) => o.status === 'CONFIRMED').reduce((units, o) => units + o.items.find((l) => l.productId === productId).quantity, 0);
      }
    });
  }
}

export function teardown({ productId, tokens, startedAt }) {
  console.log('hop-cpu:stop the flood is over');
  const admin = login(ADMIN.email, ADMIN.password);
  const loadEnded = Date.now();
  const open = new Set(tokens.map(subjectOf));
  const confirmed = { n: 0 };
  let stock;
  // Final means: inventory holds nothing for the drop AND every drop order is final on the order side.
  for (let i = 0; i < 240; i++) {
    stock = http.get(`${BASE_URL}/api/inventory/admin/stock/${productId}`, bearer(admin)).json();
    if (stock.reserved === 0) {
      pollOrders(admin, productId, startedAt, open, confirmed);
      if (open.size === 0) break;
    }
    sleep(0.25);
  }
  settleSeconds.add((Date.now() - loadEnded) / 1000);
  sold.add(stock.sold);
  oversold.add(Math.max(0, stock.sold - UNITS) + (stock.available < 0 ? 1 : 0));
  conserved.add(stock.added === stock.available + stock.reserved + stock.sold ? 1 : 0);
  pendingLeft.add(stock.reserved);
  ordersOpen.add(open.size);
  ordersConfirmed.add(confirmed.n);
  // Units sold by inventory and units of CONFIRMED orders must agree: no sale lost, none doubled.
  lost.add(Math.abs(stock.sold - confirmed.n));
  unsold.add(stock.available);
  console.log(
    `drop ${productId}: ${JSON.stringify(stock)} confirmed units ${confirmed.n}, users with open orders ${open.size}, ` +
      `load took ${(loadEnded - startedAt) / 1000}s, settled ${(Date.now() - loadEnded) / 1000}s after`,
  );
}
