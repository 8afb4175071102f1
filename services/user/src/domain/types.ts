import type { Address } from '@shop/contracts';

export type { Address };

export interface Profile {
  id: string;
  email: string;
  name: string;
  phone: string | null;
  shippingAddress: Address | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProfilePatch {
  name?: string;
  phone?: string | null;
  shippingAddress?: Address | null;
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/** What a verified access token tells us about its holder. */
export interface Caller {
  id: string;
  email: string;
  name?: string;
  sid?: string;
  jti?: string;
  exp: number;
}

/** Passed down from the edge so events carry the request's correlation id. */
export interface RequestContext {
  correlationId: string;
}
