import type { MailContext } from './ports.js';
import { sendOnce, type SendOutcome } from './send-once.js';
import { orderConfirmedMail, orderRejectedMail, welcomeMail, type OrderLine } from './templates.js';

interface EventRef {
  id: string;
  type: string;
}

/** Thrown when there is nobody to write to yet; the consumer retries (the user event may be late). */
export class RecipientUnknownError extends Error {
  constructor(userId: string) {
    super(`no email address known for user ${userId} yet`);
    this.name = 'RecipientUnknownError';
  }
}

export async function welcomeUser(ctx: MailContext, event: EventRef, user: { userId: string; email: string; name: string }): Promise<SendOutcome> {
  await ctx.recipients.saveRegistered(user);
  return sendOnce(ctx, event, 'welcome', user.email, welcomeMail(user.name));
}

export async function rememberName(ctx: Pick<MailContext, 'recipients'>, userId: string, name: string): Promise<void> {
  await ctx.recipients.saveName(userId, name);
}

async function recipientOf(ctx: MailContext, userId: string, email?: string) {
  const known = await ctx.recipients.find(userId);
  const to = email ?? known?.email;
  if (!to) throw new RecipientUnknownError(userId);
  return { to, name: known?.name ?? null };
}

/** The confirmation, sent when the order's invoice is issued, with that invoice attached. */
export async function confirmOrder(
  ctx: MailContext,
  event: EventRef,
  invoice: { number: string; orderId: string; userId: string; email?: string; items: OrderLine[]; total: number; currency: string; pdf: string },
): Promise<SendOutcome> {
  const { to, name } = await recipientOf(ctx, invoice.userId, invoice.email);
  const { number, pdf, ...order } = invoice;
  return sendOnce(ctx, event, 'order-confirmed', to, orderConfirmedMail({ name, ...order, invoice: { number, pdf: Buffer.from(pdf, 'base64') } }));
}

export async function rejectOrder(ctx: MailContext, event: EventRef, order: { orderId: string; userId: string; reason: string }): Promise<SendOutcome> {
  const { to, name } = await recipientOf(ctx, order.userId);
  return sendOnce(ctx, event, 'order-rejected', to, orderRejectedMail({ name, ...order }));
}
