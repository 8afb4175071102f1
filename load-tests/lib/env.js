// Settings shared by every scenario; each can be overridden with `k6 run -e NAME=value`.
export const BASE_URL = __ENV.BASE_URL || 'http://127.0.0.1:8000';
export const JSON_HEADERS = { 'Content-Type': 'application/json' };

export function num(name, fallback) {
  const raw = __ENV[name];
  return raw === undefined || raw === '' ? fallback : Number(raw);
}
