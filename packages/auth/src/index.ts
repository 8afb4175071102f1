export { createAuth, type Auth, type AuthOptions } from './create-auth.js';
export { denyToken, denyKey, isDenied, type DenyOptions } from './deny-list.js';
export { toAuthError } from './verify.js';
export { VerifiedTokenCache } from './token-cache.js';
export { toUser, type AuthUser, type AccessClaims } from './types.js';
