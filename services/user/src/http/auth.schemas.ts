import { z } from 'zod';

const email = z.email().max(254);

export const registerBody = z.strictObject({
  email,
  // The policy itself (length, not the email, ...) is Keycloak's; these bounds only stop abuse.
  password: z.string().min(1).max(128),
  name: z.string().trim().min(1).max(100),
});

export const loginBody = z.strictObject({
  email,
  password: z.string().min(1).max(128),
});

export const refreshBody = z.strictObject({ refreshToken: z.string().min(10).max(8192) });

export const logoutBody = refreshBody;

export const registeredUser = z.object({ id: z.uuid(), email: z.email(), name: z.string() });

export const tokenSet = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
});
