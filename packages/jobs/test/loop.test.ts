import { describe, expect, it } from '@jest/globals';
import { createLogger } from '@shop/logger';
import { startLoop } from '@shop/jobs';

const logger = createLogger('loop-test', 'silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('startLoop', () => {
  it('when a tick reports more work, then the next one runs at once, and never two overlap', async () => {
    let active = 0;
    let maxActive = 0;
    let calls = 0;
    const loop = startLoop({
      name: 't', intervalMs: 10_000, logger,
      tick: async () => {
        active++; maxActive = Math.max(maxActive, active); calls++;
        await sleep(5);
        active--;
        return calls < 4;
      },
    });
    loop.kick();
    loop.kick();
    await sleep(100);
    await loop.stop();
    expect(calls).toBeGreaterThanOrEqual(4);
    expect(maxActive).toBe(1);
  });

  it('when a tick throws, then the loop keeps going', async () => {
    let calls = 0;
    const loop = startLoop({ name: 't', intervalMs: 10, logger, tick: async () => { calls++; if (calls === 1) throw new Error('blip'); } });
    await sleep(80);
    await loop.stop();
    expect(calls).toBeGreaterThan(1);
  });

  it('when stopped, then no tick runs afterwards', async () => {
    let calls = 0;
    const loop = startLoop({ name: 't', intervalMs: 5, logger, firstDelayMs: 50, tick: async () => void calls++ });
    await loop.stop();
    await sleep(80);
    expect(calls).toBe(0);
  });
});
