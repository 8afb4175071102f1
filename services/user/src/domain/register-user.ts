import { makeEvent } from '@shop/contracts';
import type { IdentityProvider, ProfileStore } from './ports.js';
import type { RequestContext } from './types.js';

export interface RegisterDeps {
  identity: IdentityProvider;
  profiles: ProfileStore;
  source: string;
}

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
}

/**
 * Keycloak first (it owns credentials and decides whether the email is taken), then the
 * profile row and user.registered.v1 in one transaction. If that write fails, the
 * Keycloak user is removed again so the email is free for a retry.
 */
export async function registerUser(deps: RegisterDeps, input: RegisterInput, ctx: RequestContext) {
  const email = input.email.trim().toLowerCase();
  const id = await deps.identity.createUser({ email, password: input.password, name: input.name });
  try {
    const { profile } = await deps.profiles.insertIfAbsent({ id, email, name: input.name, phone: null, shippingAddress: null }, (p) =>
      makeEvent('user.registered.v1', { userId: p.id, email: p.email, name: p.name }, { source: deps.source, correlationId: ctx.correlationId }),
    );
    return { id: profile.id, email: profile.email, name: profile.name };
  } catch (err) {
    await deps.identity.deleteUser(id).catch(() => undefined);
    throw err;
  }
}
