import type { Db } from '@shop/db';
import { AppError } from '@shop/errors';
import { defineRoute, errorResponse, type Route } from '@shop/http';
import { tasksRoute } from '@shop/messaging';
import type { ProfileStore } from '../domain/ports.js';
import { z } from 'zod';
import { getOrCreateProfile, getProfile, listProfiles, updateProfile } from '../domain/profile.js';
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
  defineRoute(
    {
      method: 'get',
      path: '/api/users/:id',
      summary: 'One profile by id (admin)',
      auth: 'admin',
      request: { params: z.object({ id: z.guid() }) },
      responses: { 200: { description: 'the profile', schema: profile }, 404: errorResponse('NOT_FOUND: no such user') },
      badParams: () => AppError.notFound('User'),
    },
    ({ params, res }, deps: UsersRoutesDeps) => {
      res.setHeader('Cache-Control', 'private, no-store');
      return getProfile(deps, params.id);
    },
  ),
];
