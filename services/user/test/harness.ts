import { migrateLatest } from '@shop/db';
import { listen, testEnv } from '@shop/testing';
import { readConfig } from '../src/config.js';
import { migrationsDir } from '../src/data/migrations-dir.js';
import { userDocument } from '../src/http/api.js';
import { buildService, type UserService } from '../src/service.js';

export interface Harness {
  url: string;
  service: UserService;
  close(): Promise<void>;
}

/** The user service in-process on port 0, against user_test, Redis db 1, vhost test and the real Keycloak. */
export async function startUserService(extra: Record<string, string> = {}): Promise<Harness> {
  const config = readConfig(testEnv('user', extra));
  const service = buildService(config);
  await migrateLatest(service.db, migrationsDir);
  const server = await listen(service.app, service.closers);
  return { url: server.url, service, close: () => server.close() };
}

export const apiDoc = userDocument();

/** A test-only client address, sent as X-Real-IP (believed from loopback peers, as from nginx). */
export function randomIp(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `198.18.${octet()}.${octet()}`;
}

export interface Call {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Headers;
}

export async function call(url: string, method: string, path: string, options: { body?: unknown; token?: string; ip?: string } = {}): Promise<Call> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.ip) headers['x-real-ip'] = options.ip;
  const res = await fetch(`${url}${path}`, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
