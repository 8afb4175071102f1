import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { ALLOWED_SENDERS, makeEvent, type EventData, type EventType } from '@shop/contracts';
import { migrateLatest, type Db } from '@shop/db';
import { createLogger } from '@shop/logger';
import { eventsConsumed, type Broker } from '@shop/messaging';
import { listen, PeerBus, testEnv, waitFor } from '@shop/testing';
import { readConfig } from '../src/config.js';
import { migrationsDir } from '../src/data/migrations-dir.js';
import { buildService } from '../src/service.js';

export const env = testEnv('email', { MAIL_RETRY_DELAYS_MS: '100,200' });
const logger = createLogger('email-test', env.LOG_LEVEL);
const MAILPIT = process.env.MAILPIT_API ?? 'http://127.0.0.1:8025';

export function event<T extends EventType>(type: T, data: EventData<T>) {
  return makeEvent(type, data, { source: `${ALLOWED_SENDERS[type]}-test` });
}

export interface EmailHarness {
  url: string;
  db: Db;
  broker: Broker;
  /** Publishes each event as the service its type belongs to (its own broker user). */
  bus: PeerBus;
  close(): Promise<void>;
}

/** The email service in-process, built by its composition root: its consumers against the test vhost and the real Mailpit. */
export async function startEmail(overrides: Record<string, string> = {}): Promise<EmailHarness> {
  const config = readConfig({ SMTP_TIMEOUT_MS: '2000', MAIL_CONCURRENCY: '4', ...env, ...overrides });
  const service = buildService(config, { logger, db: { poolMax: 20 } });
  const { db, broker } = service;
  await migrateLatest(db, migrationsDir);
  await broker.waitUntilConnected();
  await Promise.all(service.consumers.map((s) => s.waitUntilActive()));
  const server = await listen(service.app, service.closers);
  const bus = new PeerBus('test-email');
  const close = async () => {
    await bus.close();
    await server.close();
  };
  return { url: server.url, db, broker, bus, close };
}

export interface MailpitMessage {
  ID: string;
  MessageID: string;
  Subject: string;
  To: Array<{ Address: string }>;
}

/** Every message Mailpit holds for one address. */
export async function mailsTo(address: string): Promise<MailpitMessage[]> {
  const res = await fetch(`${MAILPIT}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`Mailpit search answered ${res.status}`);
  return ((await res.json()) as { messages: MailpitMessage[] }).messages;
}

export interface MailpitBody {
  Text: string;
  HTML: string;
  Attachments: Array<{ PartID: string; FileName: string; ContentType: string; Size: number }>;
}

export async function mailBody(id: string): Promise<MailpitBody> {
  const res = await fetch(`${MAILPIT}/api/v1/message/${id}`, { signal: AbortSignal.timeout(5_000) });
  return (await res.json()) as MailpitBody;
}

/** One attachment's bytes, as Mailpit decoded them from the message. */
export async function attachment(id: string, partId: string): Promise<Buffer> {
  const res = await fetch(`${MAILPIT}/api/v1/message/${id}/part/${partId}`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`Mailpit part answered ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** An invoice.issued.v1 as the order service makes it (the PDF a stand-in unless given). */
export function invoiceIssued(over: Partial<EventData<'invoice.issued.v1'>> = {}) {
  return event('invoice.issued.v1', {
    invoiceId: randomUUID(),
    number: `INV-2026-${String(Math.floor(Math.random() * 900_000) + 100_000)}`,
    orderId: randomUUID(),
    userId: randomUUID(),
    email: 'buyer@shop.test',
    items: [{ productId: randomUUID(), name: 'Mug', quantity: 1, unitPrice: 1250 }],
    total: 1250,
    currency: 'EUR',
    issuedAt: new Date().toISOString(),
    pdf: Buffer.from('%PDF-1.7\n%%EOF\n').toString('base64'),
    ...over,
  });
}

export const firstMailTo = (address: string, timeoutMs = 10_000) =>
  waitFor(async () => (await mailsTo(address))[0], { timeoutMs, what: `a mail to ${address}` });

/** How many deliveries of this queue ended with the given outcome so far (process-wide counter). */
export async function consumed(queue: string, outcome: string): Promise<number> {
  const metric = await eventsConsumed.get();
  return metric.values.filter((v) => v.labels.queue === queue && v.labels.outcome === outcome).reduce((n, v) => n + v.value, 0);
}

/** A port that refuses connections until `open()`, then forwards to the real SMTP sink: an SMTP outage on demand. */
export class FlakySmtp {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private constructor(readonly port: number) {}

  static async reserve(): Promise<FlakySmtp> {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((r) => probe.close(() => r()));
    return new FlakySmtp(port);
  }

  async open(target = 1025): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    if (this.server) await new Promise<void>((r) => this.server!.close(() => r()));
  }
}
