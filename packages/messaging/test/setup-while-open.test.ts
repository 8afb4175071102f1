/**
 * A reconnect's setup must end when its connection is lost meanwhile (fault R2: a reset during
 * the setup left cart-2 without a broker for 10 minutes, amqplib waiting on the setup forever).
 */
import { describe, expect, it } from '@jest/globals';
import { EventEmitter } from 'node:events';
import { setupWhileOpen } from '../src/broker.js';

const never = () => new Promise<void>(() => {});

describe('setupWhileOpen', () => {
  it('when the connection closes while its setup waits for a reply that never comes, then the setup fails at once and is marked given up', async () => {
    const model = new EventEmitter();
    let alive: () => boolean = () => true;
    const setup = setupWhileOpen(model, 60_000, (a) => {
      alive = a;
      return never();
    });
    model.emit('close', new Error('read ECONNRESET'));
    await expect(setup).rejects.toThrow(/^connection lost during its setup: .*read ECONNRESET/);
    expect(alive()).toBe(false);
    expect(model.listenerCount('close')).toBe(0);
  });

  it('when the setup outlasts its time, then it fails', async () => {
    const model = new EventEmitter();
    await expect(setupWhileOpen(model, 50, () => never())).rejects.toThrow('connection setup took longer than 50 ms');
  });

  it('when the setup finishes on an open connection, then its result is returned and nothing is left listening', async () => {
    const model = new EventEmitter();
    let alive: () => boolean = () => false;
    const result = await setupWhileOpen(model, 60_000, async (a) => {
      alive = a;
      return 'up';
    });
    expect(result).toBe('up');
    expect(alive()).toBe(true);
    expect(model.listenerCount('close')).toBe(0);
    model.emit('close'); // a later close is the bound connection's business, not the setup's
  });
});
