// node load-tests/profile/sold-out-prep.mjs OUT.json [USERS]: a product with no stock and USERS (64) signed-in drop
// buyers (drop.js's drop-user-N, made by a drop.js run before), for load-tests/sold-out.js: writes {productId, tokens}.
import { writeFileSync } from 'node:fs';
const BASE = process.env.BASE_URL || 'http://127.0.0.1:8000';
const [out, users = '64'] = process.argv.slice(2);
const post = async (path, body, token) => {
  const res = await fetch(`${BASE}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const login = async (email, password) => (await post('/api/auth/login', { email, password })).accessToken;
const admin = await login(process.env.ADMIN_EMAIL || 'admin@shop.local', process.env.ADMIN_PASSWORD || 'Admin-pass-123!');
const sku = `SOLDOUT-${Date.now()}`;
const { id: productId } = await post('/api/products', { sku, name: `Sold out ${sku}`, price: 4999, currency: 'EUR', initialStock: 0 }, admin);
for (let i = 0; i < 50; i++) {
  const res = await fetch(`${BASE}/api/inventory/${productId}`);
  if (res.ok) break;
  await new Promise((r) => setTimeout(r, 200));
}
const tokens = [];
for (let n = 0; n < Number(users); n += 8) {
  tokens.push(...(await Promise.all(Array.from({ length: Math.min(8, Number(users) - n) }, (_, k) => login(`drop-user-${n + k}@load.test`, 'Drop-pass-123!')))));
}
writeFileSync(out, JSON.stringify({ productId, tokens }));
console.log(`product ${productId}, ${tokens.length} tokens in ${out}`);
