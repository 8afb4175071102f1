import type { Request } from 'express';
import { AppError } from '@shop/errors';
import type { Caller, RequestContext } from '../domain/types.js';

/** The verified caller behind `auth.required`, with what logout needs from the token. */
export function callerOf(req: Request): Caller {
  const claims = req.auth?.claims;
  if (!req.user || !claims) throw AppError.unauthenticated();
  return { id: req.user.id, email: req.user.email, name: req.user.name, sid: claims.sid, jti: claims.jti, exp: claims.exp };
}

export function contextOf(req: Request): RequestContext {
  return { correlationId: req.id };
}
