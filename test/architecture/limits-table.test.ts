import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { CART_LIMITS, cartEnv } from '../../services/cart/src/config.js';
import { ORDER_LIMITS, orderEnv } from '../../services/order/src/config.js';
import { userEnv } from '../../services/user/src/config.js';
import { productEnv } from '../../services/product/src/config.js';
import { inventoryEnv } from '../../services/inventory/src/config.js';
import { emailEnv } from '../../services/email/src/config.js';

/**
 * The Limits table in docs/conventions.md is the one list of every rate limit and cap.
 * This reads the sources it names (the nginx edge, kong.yml, each service's config
 * defaults and contract constants) and fails when a number in the table is not the
 * number in the source, or when a service declares a limit the table does not list.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const defaults = (schema: z.ZodObject) => schema.parse({ DATABASE_URL: 'postgres://limits@127.0.0.1/none' }) as Record<string, unknown>;
const services: Record<string, { env: z.ZodObject; constants?: Record<string, Record<string, number>> }> = {
  order: { env: orderEnv, constants: { ORDER_LIMITS } },
  cart: { env: cartEnv, constants: { CART_LIMITS } },
  user: { env: userEnv },
  product: { env: productEnv },
  inventory: { env: inventoryEnv },
  email: { env: emailEnv },
};

function one(text: string, pattern: RegExp, what: string): number {
  const m = text.match(pattern);
  if (!m) throw new Error(`${what}: not found`);
  return Number(m[1]);
}

const edge = read('nginx/edge.conf.template');
const kong = read('kong-docker-compose/kong.yml');
const kongPlugin = (name: string) => kong.slice(kong.indexOf(`- name: ${name}`)).split(/\n  - name: /)[0];
const megabytes = (text: string, file: string) => one(text, /client_max_body_size\s+(\d+)m;/, `${file} client_max_body_size`);

/** What a `declared in` cell names, read from its source. */
function actual(source: string): number {
  const [where, key] = source.split(/:\s*/);
  if (where === 'nginx') {
    if (key === 'per_ip rate') return one(edge, /zone=per_ip:\S+ rate=(\d+)r\/s/, 'nginx per_ip rate');
    if (key === 'per_ip burst') return one(edge, /limit_req zone=per_ip burst=(\d+)/, 'nginx per_ip burst');
    if (key === 'client_max_body_size') {
      const sizes = ['nginx/edge.conf.template', 'nginx/docker.conf'].map((f) => megabytes(read(f), f));
      if (new Set(sizes).size !== 1) throw new Error(`the nginx configs disagree on the body size: ${sizes}`);
      return sizes[0];
    }
  }
  if (where === 'kong') {
    if (key === 'second' || key === 'minute') return one(kongPlugin('rate-limiting'), new RegExp(`\\n\\s+${key}: (\\d+)`), `kong ${key}`);
    if (key === 'allowed_payload_size') return one(kongPlugin('request-size-limiting'), /allowed_payload_size: (\d+)/, 'kong payload size');
  }
  const svc = services[where];
  if (svc) {
    const [name, field] = key.split('.');
    const value = field ? svc.constants?.[name]?.[field] : defaults(svc.env)[name];
    if (typeof value !== 'number') throw new Error(`${source}: no such number in services/${where}/src/config.ts`);
    return value;
  }
  throw new Error(`${source}: the test does not know how to read this source`);
}

/** [limit, default, declared in] for each row of the Limits table. */
function table(): Array<{ limit: string; value: number; source: string }> {
  const doc = read('docs/conventions.md');
  const section = doc.split(/^## Limits$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('|') && !l.startsWith('|---') && !l.startsWith('| limit |'))
    .map((l) => {
      const cells = l.split('|').slice(1, -1).map((c) => c.trim());
      return { limit: cells[0], value: Number(cells[2]), source: cells[3].replace(/`/g, '') };
    });
}

// A variable is a limit when its name says so; everything else in a config is wiring or timing.
const LIMIT_NAME = /RATE_LIMIT|_PER_|^LOGIN_|^MAX_|_MAX_|^DROP_POLL_|^DROP_HELD_POLL_/;

describe('one table of limits', () => {
  it('when the table is read, then it has every kind of limit the platform sets', () => {
    const sources = table().map((r) => r.source.split(':')[0]);
    expect(new Set(sources)).toEqual(new Set(['nginx', 'kong', 'order', 'cart', 'user', 'product']));
    expect(table().every((r) => Number.isInteger(r.value))).toBe(true);
  });

  it('when a number in the table is compared with its source, then they agree', () => {
    const drift = table()
      .map((r) => ({ ...r, actual: actual(r.source) }))
      .filter((r) => r.actual !== r.value)
      .map((r) => `${r.source}: table says ${r.value}, source says ${r.actual}`);
    expect(drift).toEqual([]);
  });

  it('when a service declares a limit, then the table lists it', () => {
    const listed = new Set(table().map((r) => r.source.replace(/\s+/g, '')));
    const missing = Object.entries(services).flatMap(([name, svc]) => [
      ...Object.keys(svc.env.shape)
        .filter((k) => LIMIT_NAME.test(k))
        .map((k) => `${name}:${k}`),
      ...Object.entries(svc.constants ?? {}).flatMap(([c, fields]) => Object.keys(fields).map((f) => `${name}:${c}.${f}`)),
    ]).filter((s) => !listed.has(s));
    expect(missing).toEqual([]);
  });
});
