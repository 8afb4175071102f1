import { AppError } from '@shop/errors';

/**
 * Thrown by a handler when retrying cannot help (the order does not exist, the data
 * contradicts itself): the message goes straight to the dead-letter queue.
 */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

/** The broker is not reachable right now; callers answer 503 or retry later. */
export class BrokerUnavailableError extends AppError {
  constructor(message = 'message broker is unavailable') {
    super('DEPENDENCY_UNAVAILABLE', message, { headers: { 'Retry-After': '1' } });
    this.name = 'BrokerUnavailableError';
  }
}

export function errorMessage(err: unknown, max = 500): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * The broker refused this publish and closed the channel over it: RabbitMQ's ACCESS_REFUSED
 * (403), e.g. a routing key this service's broker user has no topic permission to write.
 * Sending it again at once is refused again: it waits for an operator to fix the rights (or
 * the code), so the relay backs off for this type and lets other rows through (outbox.ts).
 */
export class PublishRefusedError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'PublishRefusedError';
  }
}
