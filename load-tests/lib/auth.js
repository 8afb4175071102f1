import http from 'k6/http';
import { BASE_URL, JSON_HEADERS } from './env.js';

/** Registers a user (a 409 means it exists from an earlier run) and logs in; returns the access token. */
export function userToken(email, password, name) {
  const body = JSON.stringify({ email, password, name });
  const reg = http.post(`${BASE_URL}/api/auth/register`, body, { headers: JSON_HEADERS, tags: { name: 'setup' } });
  if (reg.status !== 201 && reg.status !== 409) throw new Error(`register ${email}: ${reg.status} ${reg.body}`);
  return login(email, password);
}

export function login(email, password) {
  const res = http.post(`${BASE_URL}/api/auth/login`, JSON.stringify({ email, password }), { headers: JSON_HEADERS, tags: { name: 'setup' } });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${res.body}`);
  return res.json('accessToken');
}

export const ADMIN = { email: __ENV.ADMIN_EMAIL || 'admin@shop.local', password: __ENV.ADMIN_PASSWORD || 'Admin-pass-123!' };

export function bearer(token, extra = {}) {
  return { headers: { ...JSON_HEADERS, Authorization: `Bearer ${token}`, ...extra } };
}
