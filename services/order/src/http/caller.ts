import type { Request } from 'express';
import { AppError } from '@shop/errors';
import type { Caller } from '../domain/types.js';

/** The authenticated caller; routes mount auth.required first, so a miss is a wiring bug shown as 401. */
export function callerOf(req: Request): Caller {
  if (!req.user) throw AppError.unauthenticated();
  return { id: req.user.id, email: req.user.email || undefined, name: req.user.name, roles: req.user.roles };
}
