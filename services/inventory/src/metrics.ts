import { Counter, Gauge, register } from 'prom-client';

/** The inventory service's own numbers, named once (monitoring/ reads them). */
export const reservationsExpired =
  (register.getSingleMetric('shop_reservations_expired_total') as Counter | undefined) ??
  new Counter({ name: 'shop_reservations_expired_total', help: 'Holds released because their order expired unreserved or unpaid (order.expired.v1, committed)' });

let readOverdue: (() => Promise<number>) | undefined;

/** The service names how to read its oldest overdue hold; without it the gauge reads 0. */
export function watchOverdueHolds(read: (() => Promise<number>) | undefined): void {
  readOverdue = read;
}

/**
 * A hold has no clock here: it ends when the order service ends its order. One still held long
 * after its order's expiresAt means the order expiry or its events are not getting through, and
 * its units are off sale meanwhile (the HoldsOverdue alert). Read at scrape only.
 */
export const holdsOverdue =
  (register.getSingleMetric('shop_holds_overdue_seconds') as Gauge | undefined) ??
  new Gauge({
    name: 'shop_holds_overdue_seconds',
    help: "How long past its order's expiresAt the oldest held reservation is (0 when none is)",
    async collect() {
      this.set(readOverdue ? await readOverdue().catch(() => Number.NaN) : 0);
    },
  });
