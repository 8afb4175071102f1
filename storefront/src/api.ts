/**
 * The one way the pages talk to the platform: same-origin fetches to /api, JSON both
 * ways, the session's bearer token, the guest cart's X-Cart-Id, and every error turned
 * into an ApiError carrying the platform's stable `code` and Retry-After.
 */
import { session } from './session.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from the Retry-After header, when the server sent one. */
    readonly retryAfter: number | null = null,
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Send the bearer token when signed in (default true). */
  auth?: boolean;
  signal?: AbortSignal;
}

export function retryAfterSeconds(value: string | null): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

async function send(method: string, path: string, opts: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  try {
    return await fetch(path, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK', 'The shop cannot be reached. Check your connection and try again.');
  }
}

let clockOffsetMs = 0;

/** The server's clock as the last answer's Date header told it (countdowns use it, not the device's). */
export function serverNow(): number {
  return Date.now() + clockOffsetMs;
}

function observeClock(res: Response): void {
  const date = Date.parse(res.headers.get('date') ?? '');
  // Date has whole seconds: +500 ms is the expected middle of that second.
  if (!Number.isNaN(date)) clockOffsetMs = date + 500 - Date.now();
}

async function toError(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; details?: unknown } } = {};
  try {
    body = await res.json();
  } catch {
    /* an HTML or empty error page: keep the status */
  }
  return new ApiError(
    res.status,
    body.error?.code ?? `HTTP_${res.status}`,
    body.error?.message ?? res.statusText,
    retryAfterSeconds(res.headers.get('retry-after')),
    body.error?.details,
  );
}

/** A request; one refresh and retry when the access token has expired. */
export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const useAuth = opts.auth !== false;
  let res = await send(method, path, opts, useAuth ? await session.accessToken() : null);
  if (res.status === 401 && useAuth && session.current() && (await session.refresh())) {
    res = await send(method, path, opts, await session.accessToken());
  }
  observeClock(res);
  if (!res.ok) throw await toError(res);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const get = <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts);
export const post = <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body });
