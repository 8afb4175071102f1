import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventSchemas, isKnownEventType, type EventData, type EventType } from './events.js';

export const EnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\.v\d+$/, 'versioned event type, e.g. order.placed.v1'),
  occurredAt: z.iso.datetime({ offset: true }),
  source: z.string().min(1),
  correlationId: z.string().min(1),
  data: z.unknown(),
});

/** An event of a known type, with its data typed. */
export interface Event<T extends EventType = EventType> {
  id: string;
  type: T;
  occurredAt: string;
  source: string;
  correlationId: string;
  data: EventData<T>;
}

/** One event of one of the types T, as a union: `switch (event.type)` narrows `event.data`. */
export type EventOf<T extends EventType> = { [K in T]: Event<K> }[T];

/** The union of all known events: `switch (event.type)` narrows `event.data`. */
export type AnyEvent = EventOf<EventType>;

/** What crosses the wire; `data` is typed once the type is known. */
export type EventEnvelope = AnyEvent | (Omit<Event, 'type' | 'data'> & { type: string; data: unknown });

export class EventParseError extends Error {
  readonly code = 'EVENT_INVALID';
  constructor(
    message: string,
    readonly issues: z.core.$ZodIssue[] = [],
  ) {
    super(message);
    this.name = 'EventParseError';
  }
}

export interface MakeEventOptions {
  source: string;
  /** Defaults to the new event's own id: it starts a new causal chain. */
  correlationId?: string;
  id?: string;
  occurredAt?: Date;
}

// Events this process made (and so validated): the outbox writes them without checking again.
const made = new WeakSet<object>();

/** True for an event returned by makeEvent in this process: it was validated when it was made. */
export function isMadeEvent(event: object): boolean {
  return made.has(event);
}

/** Builds an envelope and validates its data now, so a bad event fails the producer, not a consumer. */
export function makeEvent<T extends EventType>(type: T, data: EventData<T>, options: MakeEventOptions): Event<T> {
  const id = options.id ?? randomUUID();
  const event = {
    id,
    type,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    source: options.source,
    correlationId: options.correlationId ?? id,
    data,
  };
  const parsed = parseEvent(event) as Event<T>;
  made.add(parsed);
  return parsed;
}

/** Validates the envelope and, for known types, the data. Throws EventParseError. */
export function parseEvent(raw: unknown): EventEnvelope {
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    throw new EventParseError(`invalid event envelope: ${z.prettifyError(envelope.error)}`, envelope.error.issues);
  }
  const { type } = envelope.data;
  if (!isKnownEventType(type)) return envelope.data;
  const data = eventSchemas[type].safeParse(envelope.data.data);
  if (!data.success) {
    throw new EventParseError(`invalid data for ${type}: ${z.prettifyError(data.error)}`, data.error.issues);
  }
  return { ...envelope.data, data: data.data } as AnyEvent;
}
