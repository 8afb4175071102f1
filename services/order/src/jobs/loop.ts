import type { Logger } from '@shop/logger';

export interface Loop {
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Runs `tick` every `intervalMs`, or sooner when kicked; never two ticks at once. A tick that
 * throws is logged and tried again next time: background work must outlive a database blip.
 */
export function startLoop(options: { name: string; intervalMs: number; logger: Logger; tick: () => Promise<unknown> }): Loop {
  const { name, intervalMs, logger, tick } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  const schedule = (delay: number) => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, delay);
  };
  function run(): void {
    if (running) {
      again = true;
      return;
    }
    running = tick()
      .then(() => undefined)
      .catch((err) => logger.warn({ err: (err as Error).message, loop: name }, 'background tick failed'))
      .finally(() => {
        running = undefined;
        const now = again;
        again = false;
        schedule(now ? 0 : intervalMs);
      });
  }
  schedule(0);
  return {
    kick: () => (running ? (again = true) : schedule(0)),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
