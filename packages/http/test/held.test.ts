import { describe, expect, it } from '@jest/globals';
import { EDGE_READ_TIMEOUT_MS, HELD_WAIT_MAX_MS, edgeSentAt } from '@shop/http';

// When the edge sent a request on, from the X-Request-Start stamp both nginx set ("t=$msec").
const at = (stamp?: string | string[]) => ({ headers: stamp === undefined ? {} : { 'x-request-start': stamp } });
const NOW = 1_796_227_800_500;

describe('edgeSentAt', () => {
  it("when the edge stamped the request (nginx's $msec), then that instant in ms", () => {
    expect(edgeSentAt(at('t=1796227794.123'), NOW)).toBe(1_796_227_794_123);
    expect(edgeSentAt(at('t=1796227794.1'), NOW)).toBe(1_796_227_794_100);
    expect(edgeSentAt(at('t=1796227794'), NOW)).toBe(1_796_227_794_000);
  });

  it('when there is no stamp, or one it cannot read, then now (the replica counts from its own receipt)', () => {
    for (const stamp of [undefined, '', '1796227794.123', 't=', 't=abc', 't=1796227794.123x', 't=17962277941234567', ['t=1796227794.123', 't=1']]) {
      expect({ stamp, at: edgeSentAt(at(stamp), NOW) }).toEqual({ stamp, at: NOW });
    }
  });

  it('when the stamp is after now (another clock), then now: a stamp can shorten a held wait, never lengthen it', () => {
    expect(edgeSentAt(at('t=1796227900.000'), NOW)).toBe(NOW);
  });

  it('when the rule is read, then a held wait ends before the edge read timeout with a margin', () => {
    expect(HELD_WAIT_MAX_MS).toBeGreaterThan(0);
    expect(EDGE_READ_TIMEOUT_MS - HELD_WAIT_MAX_MS).toBeGreaterThanOrEqual(5_000);
  });
});
