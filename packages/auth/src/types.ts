import type { JWTPayload } from 'jose';

/** Who is calling, as every service sees it after `auth.required`. */
export interface AuthUser {
  /** Keycloak `sub`, a UUID; also the user's id in every service. */
  id: string;
  email: string;
  name?: string;
  roles: string[];
}

/** The claims of a verified Keycloak access token that the platform relies on. */
export interface AccessClaims extends JWTPayload {
  sub: string;
  exp: number;
  typ: 'Bearer';
  jti?: string;
  sid?: string;
  email?: string;
  name?: string;
  preferred_username?: string;
  realm_access?: { roles?: string[] };
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthUser;
    /** The verified claims behind `user` (logout needs `sid`/`jti`/`exp`). */
    auth?: { token: string; claims: AccessClaims };
  }
}

export function toUser(claims: AccessClaims): AuthUser {
  const roles = Array.isArray(claims.realm_access?.roles) ? claims.realm_access.roles.filter((r) => typeof r === 'string') : [];
  return {
    id: claims.sub,
    email: claims.email ?? claims.preferred_username ?? '',
    ...(claims.name ? { name: claims.name } : {}),
    roles,
  };
}
