import { z } from 'zod';
import { loginBody, logoutBody, refreshBody, registerBody, registeredUser, tokenSet } from './auth.schemas.js';
import { profile, profilePage, profilePatch } from './users.schemas.js';

const json = (schema: z.ZodType, io: 'input' | 'output' = 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const body = (name: string) => ({ required: true, content: { 'application/json': { schema: ref(name) } } });
const ok = (description: string, name: string) => ({ description, content: { 'application/json': { schema: ref(name) } } });
const error = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });
const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), requestId: z.string(), details: z.unknown().optional() }),
});
const common = { '400': error('VALIDATION_FAILED or INVALID_JSON'), '503': error('DEPENDENCY_UNAVAILABLE: Keycloak, Postgres or Redis is down; retry') };
const noAuth: never[] = [];

/** The OpenAPI 3.1 document for this service, built from the zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'User service', version: '1.0.0', description: 'Registration, login, logout (Keycloak) and shopper profiles.' },
    servers: [{ url: 'http://localhost:8000' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: {
        Register: json(registerBody, 'input'),
        Login: json(loginBody, 'input'),
        Refresh: json(refreshBody, 'input'),
        Logout: json(logoutBody, 'input'),
        RegisteredUser: json(registeredUser),
        TokenSet: json(tokenSet),
        Profile: json(profile),
        ProfilePatch: json(profilePatch, 'input'),
        ProfilePage: json(profilePage),
        Error: json(errorSchema),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/auth/register': {
        post: {
          summary: 'Create an account (role customer)',
          security: noAuth,
          requestBody: body('Register'),
          responses: { '201': ok('Created', 'RegisteredUser'), ...common, '400': error('VALIDATION_FAILED or WEAK_PASSWORD'), '409': error('EMAIL_TAKEN') },
        },
      },
      '/api/auth/login': {
        post: {
          summary: 'Password login; tokens from Keycloak',
          security: noAuth,
          requestBody: body('Login'),
          responses: {
            '200': ok('Tokens', 'TokenSet'),
            ...common,
            '401': error('INVALID_CREDENTIALS'),
            '429': error('RATE_LIMITED: too many failed logins; see Retry-After'),
          },
        },
      },
      '/api/auth/refresh': {
        post: {
          summary: 'New tokens for a refresh token',
          security: noAuth,
          requestBody: body('Refresh'),
          responses: { '200': ok('Tokens', 'TokenSet'), ...common, '401': error('UNAUTHENTICATED: invalid, expired or revoked') },
        },
      },
      '/api/auth/logout': {
        post: {
          summary: 'End the session: its access tokens are refused by every service from now on',
          requestBody: body('Logout'),
          responses: { '204': { description: 'Logged out' }, ...common, '400': error('INVALID_REFRESH_TOKEN: of another session'), '401': error('UNAUTHENTICATED') },
        },
      },
      '/api/users/me': {
        get: { summary: "The caller's profile", responses: { '200': ok('Profile', 'Profile'), ...common, '401': error('UNAUTHENTICATED') } },
        patch: {
          summary: 'Change name, phone or shipping address (null clears)',
          requestBody: body('ProfilePatch'),
          responses: { '200': ok('Updated profile', 'Profile'), ...common, '401': error('UNAUTHENTICATED') },
        },
      },
      '/api/users': {
        get: {
          summary: 'All profiles, newest first (admin)',
          parameters: [
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
          ],
          responses: { '200': ok('A page', 'ProfilePage'), ...common, '400': error('VALIDATION_FAILED or INVALID_CURSOR'), '401': error('UNAUTHENTICATED'), '403': error('FORBIDDEN') },
        },
      },
      '/api/users/admin/tasks': {
        get: { summary: 'Status of asynchronous tasks (admin)', responses: { '200': { description: '{items, nextCursor}' }, '401': error('UNAUTHENTICATED'), '403': error('FORBIDDEN') } },
      },
    },
  };
}
