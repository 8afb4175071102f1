import type { AnyEvent } from '@shop/contracts';
import type { Caller, Profile, ProfilePatch, TokenSet } from './types.js';

/** Keycloak, seen from the domain. Every method throws AppError 503 when Keycloak is away. */
export interface IdentityProvider {
  /** Throws EMAIL_TAKEN (409), WEAK_PASSWORD (400) or VALIDATION_FAILED (400). */
  createUser(input: { email: string; password: string; name: string }): Promise<string>;
  deleteUser(id: string): Promise<void>;
  /**
   * The account's id when `password` is its password, undefined when it is not (or the account
   * cannot log in). The session a check makes is ended again; no token leaves this call.
   */
  verifyPassword(email: string, password: string): Promise<string | undefined>;
  /** undefined when the credentials are wrong (or the account cannot log in). */
  passwordLogin(email: string, password: string): Promise<TokenSet | undefined>;
  /** undefined when the refresh token is invalid, expired or revoked. */
  refresh(refreshToken: string): Promise<TokenSet | undefined>;
  /** Ends the session behind the refresh token; an already-ended session is fine. */
  revokeSession(refreshToken: string): Promise<void>;
}

/** Brute-force protection for password logins. */
export interface LoginGuard {
  /**
   * Takes this attempt out of every budget before the password is checked; throws
   * RATE_LIMITED (429, Retry-After) when one is spent. A wrong password leaves it spent.
   */
  consume(email: string, ip: string): Promise<LoginAttempt>;
}

export interface LoginAttempt {
  /** The password was right: its points come back and the run of failures starts again. */
  succeeded(): Promise<void>;
  /** The identity provider could not answer: the points come back. */
  undecided(): Promise<void>;
}

export interface SessionDenyList {
  /** Refuses the caller's access token (and its session) on every service until it expires. */
  deny(caller: Caller): Promise<void>;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Profiles plus the outbox: each write commits its event in the same transaction. */
export interface ProfileStore {
  find(id: string): Promise<Profile | undefined>;
  /** The profile with this (lower-case) email, if any. */
  findByEmail(email: string): Promise<Profile | undefined>;
  /** Inserts unless a row with this id exists (a race between replicas); returns the row and whether it was new. */
  insertIfAbsent(profile: Omit<Profile, 'createdAt' | 'updatedAt'>, event: (p: Profile) => AnyEvent): Promise<{ profile: Profile; created: boolean }>;
  update(id: string, patch: ProfilePatch, event: (p: Profile) => AnyEvent): Promise<Profile | undefined>;
  list(limit: number, cursor?: string): Promise<Page<Profile>>;
}
