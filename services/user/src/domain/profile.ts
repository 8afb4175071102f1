import { makeEvent } from '@shop/contracts';
import { AppError } from '@shop/errors';
import type { Page, ProfileStore } from './ports.js';
import type { Caller, Profile, ProfilePatch, RequestContext } from './types.js';

export interface ProfileDeps {
  profiles: ProfileStore;
  source: string;
}

/**
 * The caller's profile. Someone who exists in Keycloak but not here yet (created by an
 * operator, or a registration whose profile write was lost) gets a row built from the
 * token, and the platform hears user.registered.v1 for them as for anyone else.
 */
export async function getOrCreateProfile(deps: ProfileDeps, caller: Caller, ctx: RequestContext): Promise<Profile> {
  const existing = await deps.profiles.find(caller.id);
  if (existing) return existing;
  const email = caller.email.toLowerCase();
  const name = caller.name?.trim() || email.split('@')[0] || 'Customer';
  const { profile } = await deps.profiles.insertIfAbsent({ id: caller.id, email, name, phone: null, shippingAddress: null }, (p) =>
    makeEvent('user.registered.v1', { userId: p.id, email: p.email, name: p.name }, { source: deps.source, correlationId: ctx.correlationId }),
  );
  return profile;
}

export async function updateProfile(deps: ProfileDeps, caller: Caller, patch: ProfilePatch, ctx: RequestContext): Promise<Profile> {
  await getOrCreateProfile(deps, caller, ctx);
  const updated = await deps.profiles.update(caller.id, patch, (p) =>
    makeEvent(
      'user.profile_updated.v1',
      { userId: p.id, name: p.name, phone: p.phone, shippingAddress: p.shippingAddress },
      { source: deps.source, correlationId: ctx.correlationId },
    ),
  );
  if (!updated) throw AppError.notFound('Profile');
  return updated;
}

export function listProfiles(deps: ProfileDeps, limit: number, cursor?: string): Promise<Page<Profile>> {
  return deps.profiles.list(limit, cursor);
}

/** Anyone's profile, by id (admin): 404 when there is none. */
export async function getProfile(deps: Pick<ProfileDeps, 'profiles'>, id: string): Promise<Profile> {
  const profile = await deps.profiles.find(id);
  if (!profile) throw AppError.notFound('User');
  return profile;
}
