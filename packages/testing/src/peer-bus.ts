import { ALLOWED_SENDERS, type EventEnvelope } from '@shop/contracts';
import { createLogger } from '@shop/logger';
import { Broker } from '@shop/messaging';
import { testAmqpUrl } from './test-env.js';

/**
 * Publishes events on a test vhost the way the platform would: each one as the service its
 * type belongs to (@shop/contracts ALLOWED_SENDERS), through that service's own broker user,
 * so the consumer under test checks the sender exactly as it does in production.
 * `as(service)` publishes as another service instead (to show that it is refused).
 */
export class PeerBus {
  private readonly brokers = new Map<string, Broker>();

  constructor(private readonly vhost: string) {}

  async publish(event: EventEnvelope): Promise<void> {
    const sender = (ALLOWED_SENDERS as Record<string, string>)[event.type];
    if (!sender) throw new Error(`no sender owns ${event.type}`);
    await (await this.as(sender)).publish(event);
  }

  /** The broker of one service's user on this vhost, connected. */
  async as(service: string): Promise<Broker> {
    let broker = this.brokers.get(service);
    if (!broker) {
      broker = Broker.connect({
        url: testAmqpUrl(service, this.vhost),
        logger: createLogger(`${service}-peer`, process.env.TEST_LOG_LEVEL ?? 'silent'),
        serviceName: `${service}-peer`,
        publishTimeoutMs: 5_000,
      });
      this.brokers.set(service, broker);
    }
    await broker.waitUntilConnected();
    return broker;
  }

  async close(): Promise<void> {
    await Promise.all([...this.brokers.values()].map((b) => b.close()));
    this.brokers.clear();
  }
}
