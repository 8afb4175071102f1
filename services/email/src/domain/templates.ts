import type { Attachment } from './ports.js';
import { formatMoney } from './money.js';

export interface Rendered {
  subject: string;
  text: string;
  html: string;
  attachments?: Attachment[];
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const page = (lines: string[]) => `<!doctype html><html><body>${lines.join('\n')}</body></html>`;

export function welcomeMail(name: string): Rendered {
  return {
    subject: 'Welcome to Drop Shop',
    text: `Hi ${name},\n\nwelcome to Drop Shop. Your account is ready.\n\nSee you at the next drop!\n`,
    html: page([`<p>Hi ${escapeHtml(name)},</p>`, '<p>welcome to Drop Shop. Your account is ready.</p>', '<p>See you at the next drop!</p>']),
  };
}

export interface OrderLine {
  name: string;
  quantity: number;
  unitPrice: number;
}

export function orderConfirmedMail(input: {
  name?: string | null;
  orderId: string;
  items: OrderLine[];
  total: number;
  currency: string;
  invoice?: { number: string; pdf: Buffer };
}): Rendered {
  const money = (n: number) => formatMoney(n, input.currency);
  const rows = input.items.map((i) => ({
    label: `${i.name} × ${i.quantity}`,
    unit: money(i.unitPrice),
    line: money(i.unitPrice * i.quantity),
  }));
  const greeting = `Hi ${input.name ?? 'there'},`;
  const text = [
    greeting,
    '',
    `your order ${input.orderId} is confirmed.`,
    '',
    ...rows.map((r) => `${r.label}  @ ${r.unit}  = ${r.line}`),
    '',
    `Total: ${money(input.total)}`,
    '',
    ...(input.invoice ? [`Your invoice ${input.invoice.number} is attached.`, ''] : []),
  ].join('\n');
  const html = page([
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>your order <code>${escapeHtml(input.orderId)}</code> is confirmed.</p>`,
    '<table>',
    '<tr><th align="left">Item</th><th align="right">Unit price</th><th align="right">Line total</th></tr>',
    ...rows.map((r) => `<tr><td>${escapeHtml(r.label)}</td><td align="right">${r.unit}</td><td align="right">${r.line}</td></tr>`),
    `<tr><td colspan="2"><strong>Total</strong></td><td align="right"><strong>${money(input.total)}</strong></td></tr>`,
    '</table>',
    ...(input.invoice ? [`<p>Your invoice ${escapeHtml(input.invoice.number)} is attached.</p>`] : []),
  ]);
  const attachments = input.invoice ? [{ filename: `${input.invoice.number}.pdf`, contentType: 'application/pdf', content: input.invoice.pdf }] : undefined;
  return { subject: `Order confirmed: ${input.orderId}`, text, html, attachments };
}

export function orderRejectedMail(input: { name?: string | null; orderId: string; reason: string }): Rendered {
  const greeting = `Hi ${input.name ?? 'there'},`;
  return {
    subject: `We could not complete your order ${input.orderId}`,
    text: `${greeting}\n\nwe could not complete your order ${input.orderId}.\nReason: ${input.reason}\n\nYou have not been charged.\n`,
    html: page([
      `<p>${escapeHtml(greeting)}</p>`,
      `<p>we could not complete your order <code>${escapeHtml(input.orderId)}</code>.</p>`,
      `<p>Reason: ${escapeHtml(input.reason)}</p>`,
      '<p>You have not been charged.</p>',
    ]),
  };
}
