import { Counter, register } from 'prom-client';

/** The inventory service's own numbers, named once (monitoring/ reads them). */
export const reservationsExpired =
  (register.getSingleMetric('shop_reservations_expired_total') as Counter | undefined) ??
  new Counter({ name: 'shop_reservations_expired_total', help: 'Reservations whose hold ran out and whose stock went back (committed sweeps)' });
