/**
 * The drop page in Chromium against the real drop kit at :8000: two buyers join during the
 * countdown, one is admitted and buys with one click, the other reads SOLD_OUT, and the
 * shuffle is recomputed in the page. Polling follows the server's pollAfterMs; a mocked
 * overload shows the backoff on 429/503 with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { adminToken, api, newProduct } from '../e2e/api.js';
import { launch, openTab, screenshot, seriousViolations } from './browser.js';
import { finalStatus, registeredCustomer, signInThroughForm } from './journeys.js';

const DROP_MS = 150_000;

/** Times of the page's ticket requests and the pollAfterMs each answer carried. */
function recordPolls(page: Page, dropId: string) {
  const polls: Array<{ kind: 'request' | 'answer'; at: number; status?: number; pollAfterMs?: number; retryAfter?: number }> = [];
  const isTicket = (url: string) => new URL(url).pathname.startsWith(`/api/drops/${dropId}/queue`);
  page.on('request', (r) => {
    if (isTicket(r.url())) polls.push({ kind: 'request', at: Date.now() });
  });
  page.on('response', (r) => {
    if (!isTicket(r.url())) return;
    const at = Date.now();
    const entry: (typeof polls)[number] = { kind: 'answer', at, status: r.status() };
    const ra = r.headers()['retry-after'];
    if (ra) entry.retryAfter = Number(ra);
    polls.push(entry);
    void r.json().then((b: { pollAfterMs?: number }) => (entry.pollAfterMs = b?.pollAfterMs), () => undefined);
  });
  return polls;
}

/** Every request came no sooner than the answer before it said (pollAfterMs, or Retry-After on 429/503). */
function pollGapViolations(polls: ReturnType<typeof recordPolls>, slackMs = 50): string[] {
  const bad: string[] = [];
  for (let i = 0; i < polls.length; i++) {
    const a = polls[i];
    if (a.kind !== 'answer') continue;
    const next = polls.slice(i + 1).find((p) => p.kind === 'request');
    if (!next) continue;
    const wait = a.status === 200 ? (a.pollAfterMs ?? 0) : (a.retryAfter ?? 0) * 1000;
    if (next.at - a.at < wait - slackMs) bad.push(`status ${a.status}: told ${wait} ms, came back after ${next.at - a.at} ms`);
  }
  return bad;
}

describe('the drop page in Chromium', () => {
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    browser = await launch();
    admin = await adminToken();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('when two buyers wait through the countdown for one unit, then one is admitted and buys with one click and the other reads SOLD_OUT', async () => {
    const product = await newProduct(admin, { stock: 1, price: 4900, maxPerCustomer: 1 });
    const [first, second] = [await registeredCustomer('drop-a'), await registeredCustomer('drop-b')];
    const buyers = await Promise.all([first, second].map(async (who) => ({ who, tab: await openTab(browser) })));
    // Signed in first, so Keycloak's pace does not eat into the countdown.
    for (const { who, tab } of buyers) {
      await tab.page.goto('/signin');
      await signInThroughForm(tab.page, who.email);
      await tab.page.getByRole('button', { name: /Sign out/ }).waitFor({ timeout: 30_000 });
    }
    const opensAt = new Date(Date.now() + 15_000);
    const created = await api('POST', '/api/drops', { token: admin, body: { productId: product.id, opensAt: opensAt.toISOString(), admitPerSecond: 5, holdSeconds: 60 } });
    expect(created.status).toBe(201);
    const dropId = created.body.id as string;
    const polls = buyers.map((b) => recordPolls(b.tab.page, dropId));
    for (const { tab } of buyers) {
      await tab.page.goto(`/drops/${dropId}`);
      await tab.page.getByTestId('countdown').waitFor();
    }
    const [a, b] = buyers.map((x) => x.tab.page);
    expect(await seriousViolations(a)).toEqual([]);
    await screenshot(a, 'drop-countdown');
    for (const page of [a, b]) {
      await page.getByRole('button', { name: 'Join the queue' }).click();
      await page.getByText('Places are drawn at the open').waitFor();
    }
    await screenshot(a, 'drop-joined');

    // The open: one of the two is admitted (the shuffle decides which), the other waits behind the hold.
    const admitted = await Promise.race(
      [a, b].map((page) => page.locator('[data-testid="ticket"][data-state="ADMITTED"]').waitFor({ timeout: 60_000 }).then(() => page)),
    );
    const waiting = admitted === a ? b : a;
    await admitted.getByTestId('hold-left').waitFor();
    expect(await seriousViolations(admitted)).toEqual([]);
    await screenshot(admitted, 'drop-admitted');
    await admitted.getByRole('button', { name: /^Buy now/ }).click();
    await admitted.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    expect(await finalStatus(admitted)).toBe('CONFIRMED');

    // Everyone still waiting learns it is sold out, on a poll the server scheduled.
    await waiting.locator('[data-testid="ticket"][data-state="SOLD_OUT"]').waitFor({ timeout: 30_000 });
    await screenshot(waiting, 'drop-sold-out');

    // Anyone can check the draw: the page recomputes the shuffle from the published record.
    await waiting.getByText('How the queue is ordered (fairness)').click();
    await waiting.getByRole('button', { name: 'Recompute the shuffle in this browser' }).click();
    await waiting.locator('[data-testid="fairness-verdict"][data-ok="true"]').waitFor();
    await waiting.getByText(/Your ticket was drawn at place [12]\./).waitFor();
    expect(await seriousViolations(waiting)).toEqual([]);
    await screenshot(waiting, 'drop-fairness');

    for (const p of polls) expect(pollGapViolations(p)).toEqual([]);
    for (const { tab } of buyers) expect(tab.problems).toEqual([]);

    // The people running it see the drop sold out in the live view.
    const ops = await openTab(browser);
    await ops.page.goto('/signin?next=/admin/drops/' + dropId);
    await ops.page.getByLabel('Email').fill('admin@shop.local');
    await ops.page.getByLabel('Password').fill('Admin-pass-123!');
    await ops.page.getByRole('button', { name: 'Sign in' }).click();
    await ops.page.getByTestId('stat-status').filter({ hasText: 'SOLD_OUT' }).waitFor({ timeout: 30_000 });
    await ops.page.getByTestId('stat-sold').filter({ hasText: '1' }).waitFor({ timeout: 15_000 });
    expect(await seriousViolations(ops.page)).toEqual([]);
    await screenshot(ops.page, 'admin-drop-live');

    await ops.page.goto(`/admin/drops?productId=${product.id}`);
    await ops.page.getByRole('heading', { name: 'Schedule a drop' }).waitFor();
    expect(await seriousViolations(ops.page)).toEqual([]);
    await screenshot(ops.page, 'admin-drops');
    // A product id that sells nothing: the form says why instead of scheduling.
    await ops.page.getByLabel('Product id').fill('00000000-0000-4000-8000-000000000000');
    await ops.page.getByRole('button', { name: 'Schedule drop' }).click();
    await ops.page.getByRole('alert').filter({ hasText: 'No sellable product with this id' }).waitFor();
    expect(ops.problems).toEqual([]);
  }, DROP_MS);

  it('when the waiting room answers 503 and 429 with Retry-After, then the page backs off at least that long and then follows pollAfterMs', async () => {
    const product = await newProduct(admin, { stock: 5 });
    const customer = await registeredCustomer('drop-backoff');
    const created = await api('POST', '/api/drops', {
      token: admin,
      body: { productId: product.id, opensAt: new Date(Date.now() + 3_600_000).toISOString(), admitPerSecond: 5, holdSeconds: 60 },
    });
    expect(created.status).toBe(201);
    const dropId = created.body.id as string;
    const { page } = await openTab(browser);
    const polls = recordPolls(page, dropId);
    // The ticket endpoint is overloaded for its first two answers, then healthy.
    let calls = 0;
    await page.route(`**/api/drops/${dropId}/queue/me`, async (route) => {
      calls++;
      if (calls === 2) return route.fulfill({ status: 503, headers: { 'retry-after': '2', 'content-type': 'application/json' }, body: '{"error":{"code":"SERVICE_UNAVAILABLE","message":"busy","requestId":"x"}}' });
      if (calls === 3) return route.fulfill({ status: 429, headers: { 'retry-after': '3', 'content-type': 'application/json' }, body: '{"error":{"code":"RATE_LIMITED","message":"slow down","requestId":"x"}}' });
      return route.continue();
    });
    await page.goto(`/signin?next=/drops/${dropId}`);
    await signInThroughForm(page, customer.email);
    await page.getByRole('button', { name: 'Join the queue' }).click();
    await page.getByText('Places are drawn at the open').waitFor({ timeout: 30_000 });
    // The first poll (404: not in the queue yet) and the join are real; then a 503, a 429, and real again.
    await page.getByRole('alert').filter({ hasText: 'Please retry in 2 s.' }).waitFor({ timeout: 15_000 });
    await page.getByRole('alert').filter({ hasText: 'Please retry in 3 s.' }).waitFor({ timeout: 15_000 });
    while (calls < 5) await page.waitForRequest((r) => r.url().endsWith(`/api/drops/${dropId}/queue/me`), { timeout: 20_000 });
    expect(pollGapViolations(polls)).toEqual([]);
    const answers = polls.filter((p) => p.kind === 'answer');
    expect(answers.map((p) => p.status).slice(0, 5)).toEqual([404, 200, 503, 429, 200]);
  }, DROP_MS);
});
