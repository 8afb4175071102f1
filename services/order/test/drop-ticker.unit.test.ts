import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@shop/logger';
import { DropTicker } from '../src/gate/drop-ticker.js';
import type { DropQueue } from '../src/domain/drop-ports.js';
import type { DropRecord, DropState } from '../src/domain/drop-types.js';

// The drop ticker's waiting rules against a fake queue (the held poll end to end: drop-admin.test.ts).

const drop: DropRecord = { id: 'd1', productId: 'p1', opensAt: new Date(0), admitPerSecond: 10, holdSeconds: 30, seed: '', seedHash: '', openedAt: new Date(0) };
const reading = (admitted: number, status: DropState['status'] = 'OPEN'): DropState => ({
  status,
  productId: 'p1',
  admitPerSecond: 10,
  opensAt: 0,
  queueLength: 100,
  admitted,
  unitsLeft: 10,
  holds: 1,
});

function world() {
  let next = reading(0);
  let live = [drop];
  let now = 1_000;
  const queue = { state: async () => next } as unknown as DropQueue;
  const ticker = new DropTicker({ queue, live: () => live, logger: createLogger('test', 'silent'), now: () => now });
  return {
    ticker,
    set: (s: DropState) => (next = s),
    close: () => (live = []),
    tick: async () => {
      now += 1_000;
      await ticker.tick();
    },
  };
}

describe('the drop ticker', () => {
  it('when a held poll waits for a change, then it is answered by the first tick that shows it, not by an older reading', async () => {
    const w = world();
    await w.tick();
    const held = w.ticker.wait('d1', (s) => s.admitted >= 5, 5_000);
    let answered: DropState | undefined;
    void held.then((s) => (answered = s));
    w.set(reading(3));
    await w.tick();
    await Promise.resolve();
    expect(answered).toBeUndefined();
    w.set(reading(5));
    await w.tick();
    expect((await held)?.admitted).toBe(5);
  });

  it('when nothing changes, then the held poll gets the latest reading after its time; when the client leaves, at once', async () => {
    const w = world();
    await w.tick();
    const started = Date.now();
    expect((await w.ticker.wait('d1', () => false, 50))?.admitted).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    const gone = new AbortController();
    const held = w.ticker.wait('d1', () => false, 60_000, gone.signal);
    gone.abort();
    expect(await held).toBeDefined();
  });

  it('when the replica does not watch the drop, then nothing is held; when the drop stops being live, its held polls read CLOSED', async () => {
    const w = world();
    expect(w.ticker.latest('d1')).toBeUndefined();
    expect(await w.ticker.wait('d1', () => false, 60_000)).toBeUndefined();
    await w.tick();
    const held = w.ticker.wait('d1', () => false, 60_000);
    w.close();
    await w.tick();
    expect((await held)?.status).toBe('CLOSED');
    expect(w.ticker.latest('d1')).toBeUndefined();
  });
});
