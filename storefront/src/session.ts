/**
 * The signed-in customer: tokens from /api/auth/*, kept in localStorage so a reload or
 * a second tab stays signed in, refreshed once when they expire, dropped at logout.
 */
export interface Session {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms when the access token expires (from expiresIn). */
  expiresAt: number;
  userId: string;
  email: string;
  name: string;
  roles: string[];
}

interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

const KEY = 'shop.session';
const listeners = new Set<() => void>();
let inFlightRefresh: Promise<boolean> | null = null;

function claims(token: string): Record<string, unknown> {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(part)))) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function fromTokens(t: TokenSet): Session {
  const c = claims(t.accessToken);
  const realm = c.realm_access as { roles?: unknown } | undefined;
  return {
    accessToken: t.accessToken,
    refreshToken: t.refreshToken,
    expiresAt: Date.now() + t.expiresIn * 1000,
    userId: String(c.sub ?? ''),
    email: String(c.email ?? ''),
    name: String(c.name ?? c.preferred_username ?? c.email ?? ''),
    roles: Array.isArray(realm?.roles) ? realm.roles.filter((r): r is string => typeof r === 'string') : [],
  };
}

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function write(s: Session | null): void {
  if (s) localStorage.setItem(KEY, JSON.stringify(s));
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

async function authPost(path: string, body: unknown): Promise<Response> {
  return fetch(`/api/auth/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
}

async function refresh(): Promise<boolean> {
  const s = read();
  if (!s) return false;
  inFlightRefresh ??= (async () => {
    try {
      const res = await authPost('refresh', { refreshToken: s.refreshToken });
      if (!res.ok) {
        if (res.status === 401) write(null);
        return false;
      }
      write(fromTokens((await res.json()) as TokenSet));
      return true;
    } catch {
      return false;
    } finally {
      inFlightRefresh = null;
    }
  })();
  return inFlightRefresh;
}

export const session = {
  current: read,
  isAdmin: (): boolean => read()?.roles.includes('admin') ?? false,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** A token that is not about to expire (refreshed 15 s early), or null for a guest. */
  async accessToken(): Promise<string | null> {
    const s = read();
    if (!s) return null;
    if (s.expiresAt - Date.now() < 15_000) await refresh();
    return read()?.accessToken ?? null;
  },
  refresh,
  /** Stores the tokens of a successful /api/auth/login answer. */
  signedIn(tokens: TokenSet): Session {
    const s = fromTokens(tokens);
    write(s);
    return s;
  },
  async logout(): Promise<void> {
    const s = read();
    write(null);
    if (!s) return;
    // Best effort: the tokens are gone from this browser whatever the server says.
    await fetch('/api/auth/logout', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.accessToken}` },
      body: JSON.stringify({ refreshToken: s.refreshToken }),
    }).catch(() => undefined);
  },
};

// Another tab signed in or out.
window.addEventListener('storage', (e) => {
  if (e.key === KEY) listeners.forEach((l) => l());
});
