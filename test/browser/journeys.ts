/** Steps the storefront journeys share: data made through the API, then driven in the page. */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { api } from '../e2e/api.js';

export const PASSWORD = 'Browser-pass-123!';

/** A customer registered through the API (the UI signs in); unique email per test. */
export async function registeredCustomer(label: string): Promise<{ email: string; name: string }> {
  const email = `browser-${label}-${randomUUID().slice(0, 8)}@e2e.test`;
  const name = `Browser ${label}`;
  const reg = await api('POST', '/api/auth/register', { body: { email, password: PASSWORD, name } });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  return { email, name };
}

/** Opens the catalog searched for `text` until the product shows (a fresh product may take a cache second). */
export async function findInCatalog(page: Page, text: string, name: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  await page.goto(`/?q=${encodeURIComponent(text)}`);
  for (;;) {
    const link = page.getByRole('link', { name });
    try {
      await link.waitFor({ timeout: 3_000 });
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await page.reload();
    }
  }
}

export async function signInThroughForm(page: Page, email: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function fillAddressAndPay(page: Page, cardLabel: RegExp): Promise<void> {
  await page.getByLabel('Street and number').fill('Hauptstrasse 1');
  await page.getByLabel('City').fill('Berlin');
  await page.getByLabel('Postal code').fill('10115');
  await page.getByLabel('Country (2 letters)').fill('DE');
  await page.getByLabel(cardLabel).check();
  await page.getByRole('button', { name: /^Place order/ }).click();
}

/** Waits for the live order status to reach a final state and returns it. */
export async function finalStatus(page: Page): Promise<string> {
  const status = page.getByTestId('order-status');
  await status.and(page.locator('[data-status="CONFIRMED"], [data-status="REJECTED"], [data-status="EXPIRED"], [data-status="CANCELLED"]')).waitFor({ timeout: 30_000 });
  return (await status.getAttribute('data-status')) ?? '';
}
