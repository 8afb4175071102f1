export { rateLimit, type RateLimitOptions } from './rate-limit.js';
export { clientAddress, trustedProxySet, LOOPBACK_PROXIES } from './client-address.js';
