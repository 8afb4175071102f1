import type { Logger } from '@shop/logger';

/**
 * A circuit breaker for one synchronous dependency a replica calls over HTTP (Keycloak, a peer
 * service). After `failuresToOpen` failures in a row (no answer within the call's deadline,
 * refused, a 5xx) it asks the dependency a cheap probe at once: if that is answered the
 * dependency is only busy (a Keycloak hashing passwords under a login storm; the bulkhead in
 * front sheds that), and calls go on. If the probe fails too, it opens: every call is refused at
 * once (the caller answers 503 with Retry-After, or degrades) while the probe is repeated every
 * `probeEveryMs`, and the first answered probe closes it. So while the dependency is away or
 * hung, only the calls in flight before it was found out wait for their deadline; no user call
 * is ever the trial (fault R11). The Redis client has its own breaker, with a PING for a probe
 * (@shop/cache `breakerFor`).
 */
export interface FailFastOptions {
  /** For the log lines. */
  name: string;
  /** One cheap call that says the dependency answers; it must carry its own, short deadline. */
  probe: () => Promise<unknown>;
  failuresToOpen?: number;
  probeEveryMs?: number;
  logger?: Logger;
}

export class DependencyRefusedError extends Error {
  constructor(name: string) {
    super(`${name} is not called until it answers again`);
    this.name = 'DependencyRefusedError';
  }
}

export class FailFast {
  private failures = 0;
  private opened = false;
  private confirming = false;

  constructor(private readonly options: FailFastOptions) {}

  /** True while calls are refused. */
  get open(): boolean {
    return this.opened;
  }

  /**
   * `call`'s result, or DependencyRefusedError at once while open. `isFailure` tells the
   * dependency's failures from its answers (a 4xx is an answer; default: every error fails).
   */
  async run<T>(call: () => Promise<T>, isFailure: (err: unknown) => boolean = () => true): Promise<T> {
    if (this.opened) throw new DependencyRefusedError(this.options.name);
    try {
      const result = await call();
      this.failures = 0;
      return result;
    } catch (err) {
      if (!isFailure(err)) this.failures = 0;
      else if (++this.failures >= (this.options.failuresToOpen ?? 2)) this.trip(err);
      throw err;
    }
  }

  /** Enough failures in a row: is the dependency away, or only slow for those calls? */
  private trip(err: unknown): void {
    if (this.opened || this.confirming) return;
    this.confirming = true;
    this.options.probe().then(
      () => {
        this.confirming = false;
        this.failures = 0;
      },
      () => {
        this.confirming = false;
        this.opened = true;
        this.options.logger?.warn({ err: (err as Error)?.message, dependency: this.options.name }, 'dependency failing; refusing its calls until it answers a probe');
        this.probeUntilAnswered();
      },
    );
  }

  private probeUntilAnswered(): void {
    const timer = setTimeout(() => {
      this.options.probe().then(() => {
        this.opened = false;
        this.failures = 0;
        this.options.logger?.info({ dependency: this.options.name }, 'dependency answers again');
      }, () => this.probeUntilAnswered());
    }, this.options.probeEveryMs ?? 500);
    timer.unref();
  }
}
