import { openApiDocument, type Route } from '@shop/http';
import { authRoutes, type AuthRoutesDeps } from './auth.routes.js';
import { usersRoutes, type UsersRoutesDeps } from './users.routes.js';

export type UserHttpDeps = AuthRoutesDeps & UsersRoutesDeps;

export const userApi: Array<Route<UserHttpDeps>> = [...authRoutes, ...usersRoutes];

/** The service's OpenAPI 3.1 document, generated from the routes. */
export const userDocument = () =>
  openApiDocument({ title: 'User service', description: 'Registration, login, logout (Keycloak) and shopper profiles.' }, userApi);
