/**
 * The storefront in a real browser (Debian's Chromium through playwright-core), against
 * the platform at :8000: the journeys a person takes, errors as a person reads them, and
 * axe-core on every page. Data is made through the API; everything else is clicked.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { adminToken, api, newProduct } from '../e2e/api.js';
import { launch, openTab, screenshot, seriousViolations, stored } from './browser.js';
import { fillAddressAndPay, finalStatus, findInCatalog, PASSWORD, registeredCustomer, signInThroughForm } from './journeys.js';

const JOURNEY_MS = 120_000;

describe('storefront in Chromium', () => {
  let browser: Browser;
  let admin: string;

  beforeAll(async () => {
    browser = await launch();
    admin = await adminToken();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('when a guest fills a cart, registers and pays with tok_visa, then the cart merges into the account and the order ends CONFIRMED', async () => {
    const product = await newProduct(admin, { stock: 20, price: 1999 });
    const name = `E2E product ${product.sku}`;
    const { page, problems, requests } = await openTab(browser);

    await page.goto('/');
    await page.getByRole('list', { name: 'Products' }).getByRole('listitem').first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'catalog');
    // The catalog page asks for what it shows and nothing else: no cart for a guest without one.
    expect(requests.filter((r) => r.includes('/api/')).sort()).toEqual(['GET /api/categories', 'GET /api/products']);

    await findInCatalog(page, product.sku, name);
    await page.getByRole('link', { name }).click();
    await page.getByTestId('stock').filter({ hasText: '20 in stock' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'product');
    await page.getByLabel('Quantity').selectOption('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'View cart' }).click();
    await page.getByTestId('subtotal').filter({ hasText: '€39.98' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'cart');
    const guestCart = await stored(page, 'shop.guestCartId');
    expect(guestCart).toMatch(/^[0-9a-f-]{36}$/);

    await page.getByRole('link', { name: 'Sign in to check out' }).click();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'register');
    const email = `browser-journey-${product.sku.toLowerCase()}@e2e.test`;
    await page.getByLabel('Name').fill('Browser Journey');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();

    // Signed in and sent on to checkout, with the guest's two units now in the account's cart.
    await page.getByRole('heading', { name: 'Checkout' }).waitFor({ timeout: 30_000 });
    await page.getByText('2 items, subtotal').waitFor();
    expect(await stored(page, 'shop.guestCartId')).toBeNull();
    expect(requests).toContain('POST /api/cart/merge');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'checkout');

    await fillAddressAndPay(page, /Test Visa/);
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    expect(await finalStatus(page)).toBe('CONFIRMED');
    await page.getByText('Confirmed. Thank you!').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'order-confirmed');
    // One order, placed with an Idempotency-Key.
    expect(requests.filter((r) => r === 'POST /api/orders')).toHaveLength(1);

    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('heading', { name: 'Your orders' }).waitFor();
    await page.getByRole('cell', { name: 'CONFIRMED' }).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'orders');

    // Stock followed the sale: the product page shows 18 now (live, from inventory).
    await page.goto(`/products/${product.id}`);
    await page.getByTestId('stock').filter({ hasText: '18 in stock' }).waitFor();

    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await stored(page, 'shop.session')).toBeNull();
    expect(problems).toEqual([]);
  }, JOURNEY_MS);

  it('when the card is declined, then the order page says REJECTED and the stock is back', async () => {
    const product = await newProduct(admin, { stock: 5, price: 1200 });
    const customer = await registeredCustomer('declined');
    const { page, problems } = await openTab(browser);

    await page.goto('/signin?next=/products/' + product.id);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'signin');
    await signInThroughForm(page, customer.email);
    await page.getByTestId('stock').filter({ hasText: 'Only 5 left' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('link', { name: 'View cart' }).click();
    await page.getByRole('link', { name: 'Checkout' }).click();
    await fillAddressAndPay(page, /declined/);
    expect(await finalStatus(page)).toBe('REJECTED');
    await page.getByText('Not placed').waitFor();
    await screenshot(page, 'order-rejected');
    await page.goto(`/products/${product.id}`);
    await page.getByTestId('stock').filter({ hasText: 'Only 5 left' }).waitFor();
    expect(problems).toEqual([]);
  }, JOURNEY_MS);

  it('when the API says no, then the person reads why: sold out, cap reached, retry in N s', async () => {
    const last = await newProduct(admin, { stock: 1 });
    const capped = await newProduct(admin, { stock: 10, maxPerCustomer: 1 });
    const customer = await registeredCustomer('errors');
    const { page } = await openTab(browser);
    await page.goto(`/signin?next=/products/${last.id}`);
    await signInThroughForm(page, customer.email);

    // Sold out: the last unit goes elsewhere between the cart and the order.
    await page.getByTestId('stock').filter({ hasText: 'Only 1 left' }).waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.getByRole('status').filter({ hasText: 'Added to your cart' }).waitFor();
    const put = await api('PUT', `/api/inventory/${last.id}`, { token: admin, body: { available: 0 } });
    expect(put.status).toBe(200);
    // The product page follows the stock by itself.
    await page.getByRole('button', { name: 'Sold out' }).waitFor({ timeout: 15_000 });
    await page.goto('/checkout');
    await fillAddressAndPay(page, /Test Visa/);
    await page.getByRole('alert').filter({ hasText: 'Sold out. Someone got the last one first.' }).waitFor();
    await screenshot(page, 'checkout-sold-out');
    await page.goto('/cart');
    await page.getByRole('button', { name: /^Remove/ }).click();
    await page.getByText('Your cart is empty.').waitFor();

    // Cap reached: one per customer, two in the cart.
    await page.goto(`/products/${capped.id}`);
    await page.getByText('Limit 1 per customer.').waitFor();
    for (let n = 1; n <= 2; n++) {
      await page.getByRole('button', { name: 'Add to cart' }).click();
      await page.getByRole('status').filter({ hasText: 'Added to your cart' }).waitFor();
    }
    await page.goto('/checkout');
    await fillAddressAndPay(page, /Test Visa/);
    await page.getByRole('alert').filter({ hasText: 'You have reached the limit per customer for this product.' }).waitFor();

    // Overload: a 429 with Retry-After, as the platform answers a crowd.
    await page.route('**/api/orders', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'content-type': 'application/json', 'retry-after': '7' },
        body: JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'Too many requests', requestId: 'x' } }),
      }),
    );
    await page.getByRole('button', { name: /^Place order/ }).click();
    await page.getByRole('alert').filter({ hasText: 'Please retry in 7 s.' }).waitFor();
    await page.unroute('**/api/orders');
  }, JOURNEY_MS);

  it('when the demo admin signs in, then the admin pages create a product that the shop then sells', async () => {
    const { page, problems } = await openTab(browser);
    await page.goto('/admin');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill('admin@shop.local');
    await page.getByLabel('Password').fill('Admin-pass-123!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Products' }).waitFor({ timeout: 30_000 });
    const sku = `UI-${Date.now().toString(36)}`;
    await page.getByLabel('SKU').fill(sku);
    await page.getByLabel('Name').fill(`Admin-made tee ${sku}`);
    await page.getByLabel('Price (e.g. 29.99)').fill('24.50');
    await page.getByLabel('Initial stock').fill('7');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'admin-products');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('link', { name: `Admin-made tee ${sku}` }).click();
    await page.getByTestId('stock').filter({ hasText: '7 in stock' }).waitFor({ timeout: 15_000 });
    await page.getByText('€24.50').waitFor();
    expect(problems).toEqual([]);
  }, JOURNEY_MS);
});
