import { Counter, register } from 'prom-client';

/**
 * The user service's own numbers, named once (monitoring/ reads them). Wrong passwords are
 * `http_request_errors_total{route="/api/auth/login",code="INVALID_CREDENTIALS"}`, counted by
 * @shop/http where the refusal becomes the answer.
 */
export const loginRefusals =
  (register.getSingleMetric('shop_login_refusals_total') as Counter | undefined) ??
  new Counter({
    name: 'shop_login_refusals_total',
    help: 'Logins refused before Keycloak was asked, by the budget that ran out: pair (email+address), email, slowed_address',
    labelNames: ['budget'],
  });
