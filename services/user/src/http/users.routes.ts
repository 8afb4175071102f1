import type { Db } from '@shop/db';
import { defineRoute, errorResponse, type Route } from '@shop/http';
import { tasksRoute } from '@shop/messaging';
import type { ProfileStore } from '../domain/ports.js';
import { getOrCreateProfile, listProfiles, updateProfile } from '../domain/profile.js';
import { callerOf, contextOf } from './caller.js';
import { listQuery, profile, profilePage, profilePatch } from './users.schemas.js';

export interface UsersRoutesDeps {
  profiles: ProfileStore;
  db: Db;
  source: string;
}

export const usersRoutes: Array<Route<UsersRoutesDeps>> = [
  defineRoute(
    {
      method: 'get',
      path: '/api/users/me',
      summary: "The caller's profile",
      auth: 'user',
      responses: { 200: { description: 'the profile', schema: profile } },
    },
    ({ req, res }, deps: UsersRoutesDeps) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return getOrCreateProfile(deps, callerOf(req), contextOf(req));
    },
  ),
  defineRoute(
    {
      method: 'patch',
      path: '/api/users/me',
      summary: 'Change name, phone or shipping address (null clears)',
      auth: 'user',
      request: { body: profilePatch },
      responses: { 200: { description: 'the updated profile', schema: profile } },
    },
    ({ req, res, body }, deps: UsersRoutesDeps) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return updateProfile(deps, callerOf(req), body, contextOf(req));
    },
  ),
  tasksRoute('/api/users/admin/tasks'),
  defineRoute(
    {
      method: 'get',
      path: '/api/users',
      summary: 'All profiles, newest first (admin)',
      auth: 'admin',
      request: { query: listQuery },
      responses: { 200: { description: 'one page', schema: profilePage }, 400: errorResponse('VALIDATION_FAILED or INVALID_CURSOR') },
    },
    ({ query, res }, deps: UsersRoutesDeps) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return listProfiles(deps, query.limit, query.cursor);
    },
  ),
];
