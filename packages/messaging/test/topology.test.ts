import amqp from 'amqplib';
import { describe, expect, it } from '@jest/globals';
import { assertConsumerTopology } from '../src/topology.js';
import { AMQP_URL, VHOST, eventually, rabbitApi, uniq } from './helpers.js';

type QueueInfo = { name: string; type: string; arguments: Record<string, unknown> };

describe('consumer topology', () => {
  it('when a consumer declares its queues, then the work, retry and dead-letter queues are quorum queues', async () => {
    const queue = uniq('topology.q');
    const conn = await amqp.connect(AMQP_URL);
    try {
      const ch = await conn.createChannel();
      await assertConsumerTopology(ch, queue, ['topology.test.v1'], [1000]);
      const infos = await eventually(async () => {
        const all = (await rabbitApi<QueueInfo[]>('GET', `/queues/${encodeURIComponent(VHOST)}?columns=name,type,arguments`)) ?? [];
        const ours = all.filter((q) => q.name.startsWith(queue));
        return ours.length === 3 ? ours : undefined;
      });
      expect(infos.map((q) => [q.name, q.type]).sort()).toEqual([
        [queue, 'quorum'],
        [`${queue}.dlq`, 'quorum'],
        [`${queue}.retry.1000`, 'quorum'],
      ]);
      const work = infos.find((q) => q.name === queue)!;
      // A message its consumer keeps crashing on ends in the DLQ, not in an endless loop.
      expect(work.arguments).toMatchObject({ 'x-dead-letter-routing-key': `${queue}.dlq`, 'x-delivery-limit': 50 });
      expect(infos.find((q) => q.name === `${queue}.retry.1000`)!.arguments).toMatchObject({ 'x-dead-letter-strategy': 'at-least-once' });
      for (const q of infos) await ch.deleteQueue(q.name);
      await ch.close();
    } finally {
      await conn.close();
    }
  });
});
