/** What the email use cases need; data/ and mail/ implement it. */

export type MailStatus = 'pending' | 'sent' | 'failed';

export interface MailDraft {
  eventId: string;
  eventType: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

export interface MailRecord extends MailDraft {
  status: MailStatus;
  attempts: number;
}

export interface MailRepository {
  /**
   * Stores the draft (first attempt) or counts another attempt, and returns the stored
   * mail: content and Message-ID stay those of the first attempt.
   */
  recordAttempt(draft: MailDraft): Promise<MailRecord>;
  markSent(eventId: string, smtpResponse: string): Promise<void>;
  markAttemptFailed(eventId: string, error: string, final: boolean): Promise<void>;
}

export interface Recipient {
  userId: string;
  email: string | null;
  name: string | null;
}

export interface RecipientRepository {
  saveRegistered(r: { userId: string; email: string; name: string }): Promise<void>;
  saveName(userId: string, name: string): Promise<void>;
  find(userId: string): Promise<Recipient | undefined>;
}

export interface Attachment {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  /** Not kept in the journal: they come from the event, which every attempt has again. */
  attachments?: Attachment[];
}

export interface Mailer {
  /** Resolves with the server's final reply once it has accepted the message. */
  send(mail: OutgoingMail): Promise<{ response: string }>;
}

/** One message's worth of dependencies. */
export interface MailContext {
  /** Writes that commit at once, outside the consumer's transaction. */
  journal: MailRepository;
  /** Writes inside the consumer's (inbox) transaction. */
  mails: MailRepository;
  recipients: RecipientRepository;
  mailer: Mailer;
  maxAttempts: number;
  idDomain: string;
}
