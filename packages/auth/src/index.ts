export { bearerOf, createAuth, type Auth, type AuthOptions } from './create-auth.js';
export { denyToken, isDenied, type DenyOptions } from './deny-list.js';
export { VerifiedTokenCache } from './token-cache.js';
export { toUser, type AuthUser, type AccessClaims } from './types.js';
