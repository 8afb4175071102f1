/**
 * A per-replica limit on calls to one dependency: at most `maxInFlight` at once, at most
 * `maxQueued` waiting (each for at most `queueTimeoutMs`). A call beyond that is refused
 * at once, so an overloaded Keycloak (password hashing is CPU-bound) turns into fast 503s
 * with Retry-After instead of a pile of requests that all time out after seconds.
 */
export interface BulkheadOptions {
  maxInFlight: number;
  maxQueued: number;
  queueTimeoutMs: number;
}

export class BulkheadFullError extends Error {
  constructor() {
    super('too many calls in flight');
  }
}

export class Bulkhead {
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: BulkheadOptions) {}

  async run<T>(call: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await call();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.options.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxQueued) return Promise.reject(new BulkheadFullError());
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new BulkheadFullError());
      }, this.options.queueTimeoutMs);
      this.waiting.push(grant);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next(); // the slot passes straight to the next in line
    else this.inFlight--;
  }
}
