import KcAdminClient from '@keycloak/keycloak-admin-client';
import { AppError } from '@shop/errors';
import type { Logger } from '@shop/logger';
import type { IdentityProvider } from '../domain/ports.js';
import type { TokenSet } from '../domain/types.js';
import { Bulkhead, BulkheadFullError, type BulkheadOptions } from './bulkhead.js';
import { DependencyRefusedError, FailFast } from '@shop/http';
import { fromCreateUserRejection, keycloakUnavailable } from './keycloak-errors.js';

export interface KeycloakIdentityOptions {
  url: string;
  realm: string;
  clientId: string;
  clientSecret: string;
  timeoutMs: number;
  /** Per-replica cap on concurrent Keycloak calls (default: 16 in flight, 32 waiting up to 1 s). */
  bulkhead?: BulkheadOptions;
  logger: Logger;
}

interface TokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

interface NetworkErrorLike {
  response?: { status: number };
  responseData?: unknown;
}

/** The `sub` claim of a JWT, read without verifying (see verifyPassword). */
function subjectOf(jwt: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof claims.sub === 'string' && claims.sub ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

/** Keycloak failed (no answer in time, refused, 5xx), as opposed to answering "no" (a 4xx). */
const keycloakFailed = (err: unknown) => {
  const status = (err as NetworkErrorLike | undefined)?.response?.status;
  return status === undefined || status >= 500;
};

/**
 * Keycloak behind the IdentityProvider port: the OIDC token and logout endpoints with
 * the confidential client, and the admin API with its service account. Every call has
 * a timeout; a Keycloak that does not answer becomes a 503, never a hang. Calls go through
 * a bulkhead: beyond its share, a call is a 503 at once instead of piling onto Keycloak. And
 * through a breaker (`FailFast`): after two failures in a row, if a cheap probe of the realm
 * goes unanswered too, every call is a 503 at once until a probe gets an answer, so a hung or
 * dead Keycloak costs the deadline only to the calls in flight before it was found out.
 */
export class KeycloakIdentity implements IdentityProvider {
  private readonly oidc: string;
  private readonly admin: KcAdminClient;
  private serviceToken?: { value: string; expiresAt: number };
  private pendingToken?: Promise<string>;
  private readonly bulkhead: Bulkhead;
  private readonly breaker: FailFast;

  constructor(private readonly options: KeycloakIdentityOptions) {
    this.oidc = `${options.url.replace(/\/+$/, '')}/realms/${options.realm}/protocol/openid-connect`;
    this.admin = new KcAdminClient({ baseUrl: options.url, realmName: options.realm, timeout: options.timeoutMs });
    this.admin.registerTokenProvider({ getAccessToken: () => this.accessTokenForAdmin() });
    this.bulkhead = new Bulkhead(options.bulkhead ?? { maxInFlight: 16, maxQueued: 32, queueTimeoutMs: 1_000 });
    const realm = `${options.url.replace(/\/+$/, '')}/realms/${options.realm}`;
    this.breaker = new FailFast({
      name: 'keycloak',
      logger: options.logger,
      // The realm's public description: no password hashing, no admin rights, any answer < 500 will do.
      probe: async () => {
        const res = await fetch(realm, { signal: AbortSignal.timeout(Math.min(1_000, options.timeoutMs)) });
        await res.arrayBuffer();
        if (res.status >= 500) throw new Error(`realm answered ${res.status}`);
      },
    });
  }

  async createUser(input: { email: string; password: string; name: string }): Promise<string> {
    try {
      const { id } = await this.limited(() => this.admin.users.create({
        username: input.email,
        email: input.email,
        emailVerified: true,
        enabled: true,
        firstName: input.name,
        credentials: [{ type: 'password', value: input.password, temporary: false }],
      }));
      return id;
    } catch (err) {
      const e = err as NetworkErrorLike;
      const rejection = e.response ? fromCreateUserRejection(e.response.status, (e.responseData ?? {}) as object) : undefined;
      if (rejection) throw rejection;
      throw this.unavailable(err, 'create user');
    }
  }

  async deleteUser(id: string): Promise<void> {
    try {
      await this.limited(() => this.admin.users.del({ id }));
    } catch (err) {
      if ((err as NetworkErrorLike).response?.status === 404) return;
      throw this.unavailable(err, 'delete user');
    }
  }

  async verifyPassword(email: string, password: string): Promise<string | undefined> {
    const tokens = await this.tokenGrant({ grant_type: 'password', username: email, password });
    if (!tokens) return undefined;
    // The token comes straight from Keycloak's token endpoint on our own confidential client:
    // its `sub` is the account's id, with no signature to check on this hop.
    const id = subjectOf(tokens.accessToken);
    // The check made a session nobody will use: end it (best effort, off the caller's path).
    void this.revokeSession(tokens.refreshToken).catch((err: unknown) =>
      this.options.logger.warn({ err: (err as Error).message }, 'could not end the session of a password check'));
    if (!id) throw this.unavailable(new Error('access token without a subject'), 'verify password');
    return id;
  }

  async passwordLogin(email: string, password: string): Promise<TokenSet | undefined> {
    return this.tokenGrant({ grant_type: 'password', username: email, password });
  }

  async refresh(refreshToken: string): Promise<TokenSet | undefined> {
    return this.tokenGrant({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  async revokeSession(refreshToken: string): Promise<void> {
    const res = await this.post('logout', { refresh_token: refreshToken });
    // 400 invalid_grant: the session is already gone (expired, or a repeated logout).
    if (res.status === 204 || res.status === 200 || res.status === 400) return;
    throw this.unavailable(new Error(`logout answered ${res.status}`), 'logout');
  }

  private async tokenGrant(params: Record<string, string>): Promise<TokenSet | undefined> {
    const res = await this.post('token', params);
    if (res.status === 200) {
      const body = (await res.json()) as TokenResponse;
      return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresIn: body.expires_in, tokenType: 'Bearer' };
    }
    // 401 invalid_grant (wrong password), 400 invalid_grant (disabled, locked, bad refresh token).
    if (res.status === 400 || res.status === 401) return undefined;
    throw this.unavailable(new Error(`token endpoint answered ${res.status}`), params.grant_type);
  }

  /** Runs a Keycloak call within the bulkhead and the breaker; a full or open one is a 503 at once. */
  private async limited<T>(call: () => Promise<T>): Promise<T> {
    try {
      if (this.breaker.open) throw new DependencyRefusedError('keycloak'); // before queueing for a slot
      return await this.bulkhead.run(() => this.breaker.run(call, keycloakFailed));
    } catch (err) {
      if (err instanceof BulkheadFullError || err instanceof DependencyRefusedError) throw keycloakUnavailable();
      throw err;
    }
  }

  /** `direct`: outside the bulkhead, for the admin token a call already inside it needs. */
  private async post(endpoint: 'token' | 'logout', params: Record<string, string>, direct = false): Promise<Response> {
    const body = new URLSearchParams({ client_id: this.options.clientId, client_secret: this.options.clientSecret, ...params });
    try {
      const send = async () => {
        const res = await fetch(`${this.oidc}/${endpoint}`, { method: 'POST', body, signal: AbortSignal.timeout(this.options.timeoutMs) });
        if (res.status >= 500) throw new Error(`${endpoint} answered ${res.status}`);
        return res;
      };
      return direct ? await send() : await this.limited(send);
    } catch (err) {
      throw this.unavailable(err, endpoint);
    }
  }

  /** The service account's token for the admin API, shared by concurrent calls and renewed early. */
  private async accessTokenForAdmin(): Promise<string> {
    if (this.serviceToken && this.serviceToken.expiresAt - 30_000 > Date.now()) return this.serviceToken.value;
    this.pendingToken ??= (async () => {
      try {
        const res = await this.post('token', { grant_type: 'client_credentials' }, true);
        if (res.status !== 200) throw new Error(`client_credentials grant answered ${res.status}`);
        const body = (await res.json()) as TokenResponse;
        this.serviceToken = { value: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 };
        return body.access_token;
      } finally {
        this.pendingToken = undefined;
      }
    })();
    return this.pendingToken;
  }

  private unavailable(err: unknown, what: string): AppError {
    if (err instanceof AppError) return err;
    this.options.logger.warn({ err: (err as Error).message, what }, 'keycloak call failed');
    return keycloakUnavailable();
  }
}
