export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { sharedBudget, type BudgetOptions, type SharedBudget } from './budget.js';
export { clientAddress, trustedProxySet, LOOPBACK_PROXIES } from './client-address.js';
