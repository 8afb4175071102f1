import nodemailer from 'nodemailer';
import type { Mailer, OutgoingMail } from '../domain/ports.js';

/** nodemailer over SMTP. One connection per message: simple, and nothing stale after an outage. */
export class SmtpMailer implements Mailer {
  private readonly transport: nodemailer.Transporter;

  constructor(
    url: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    } as nodemailer.TransportOptions);
  }

  async send(mail: OutgoingMail): Promise<{ response: string }> {
    const info = await this.transport.sendMail({
      from: this.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: mail.messageId,
      attachments: mail.attachments,
    });
    return { response: String(info.response ?? '') };
  }

  /** Readiness: can we open an SMTP session right now? */
  async verify(): Promise<void> {
    await this.transport.verify();
  }

  close(): void {
    this.transport.close();
  }
}
