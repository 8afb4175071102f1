import type { Logger } from '@shop/logger';

export interface Loop {
  /** Run a tick soon (or right after the one in progress). */
  kick(): void;
  /** No more ticks; resolves when the one in progress has finished. */
  stop(): Promise<void>;
}

export interface LoopOptions {
  name: string;
  intervalMs: number;
  logger: Logger;
  /** Resolves `true` when there is more to do at once (a full batch), anything else to wait. */
  tick: () => Promise<unknown>;
  /** Delay before the first tick; default 0. */
  firstDelayMs?: number;
}

/**
 * The one background loop of the platform (outbox relays, sweepers, the payment worker):
 * a tick every `intervalMs`, sooner when kicked or when the last tick had more to do,
 * never two at once. A tick that throws is logged and tried again next time, because
 * background work must outlive a database or broker blip. Timers do not hold the process.
 */
export function startLoop({ name, intervalMs, logger, tick, firstDelayMs = 0 }: LoopOptions): Loop {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  function schedule(delay: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
    timer.unref();
  }

  function run(): void {
    if (running) {
      again = true;
      return;
    }
    running = tick()
      .then((more) => more === true)
      .catch((err) => {
        logger.warn({ err: (err as Error).message, loop: name }, 'background tick failed; trying again next interval');
        return false;
      })
      .then((more) => {
        running = undefined;
        const now = more || again;
        again = false;
        schedule(now ? 0 : intervalMs);
      });
  }

  schedule(firstDelayMs);
  return {
    kick: () => (running ? void (again = true) : schedule(0)),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
