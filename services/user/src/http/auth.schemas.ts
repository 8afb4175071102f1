import { z } from 'zod';
import { emailAddress, text } from '@shop/http';

const email = emailAddress();

export const registerBody = z.strictObject({
  email,
  // The policy itself (length, not the email, ...) is Keycloak's; these bounds only stop abuse.
  password: text({ min: 1, max: 128 }),
  name: text({ min: 1, max: 100, trim: true }),
}).meta({ id: 'Register' });

export const loginBody = z.strictObject({
  email,
  password: text({ min: 1, max: 128 }),
}).meta({ id: 'Login' });

export const refreshBody = z.strictObject({ refreshToken: text({ min: 10, max: 8192 }) }).meta({ id: 'RefreshToken' });

export const logoutBody = refreshBody;

export const registeredUser = z.strictObject({ id: z.uuid(), email: z.string(), name: z.string() }).meta({ id: 'RegisteredUser' });

export const tokenSet = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
}).meta({ id: 'TokenSet' });
