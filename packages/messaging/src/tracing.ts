import type { ConsumeMessage } from 'amqplib';
import type { EventEnvelope } from '@shop/contracts';
import { context, extractTrace, failSpan, injectTrace, SpanKind, trace, tracer, type Context, type Span } from '@shop/telemetry';
import { EVENTS_EXCHANGE } from './topology.js';

/**
 * The broker hop in a trace, in one place: a producer span per publish whose context travels
 * in the message's headers (`traceparent`), and a consumer span per delivery that continues
 * it. The outbox relay publishes each row in the trace its row recorded (outbox.ts), so an
 * event written inside a request belongs to that request's trace.
 */
export async function publishSpan(envelope: EventEnvelope, parent: Context | undefined, send: (headers: Record<string, string>) => Promise<void>): Promise<void> {
  const span = tracer.startSpan(`publish ${envelope.type}`, {
    kind: SpanKind.PRODUCER,
    attributes: {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'send',
      'messaging.destination.name': EVENTS_EXCHANGE,
      'messaging.rabbitmq.destination.routing_key': envelope.type,
      'messaging.message.id': envelope.id,
      'messaging.message.conversation_id': envelope.correlationId,
    },
  }, parent ?? context.active());
  const headers = injectTrace({}, trace.setSpan(parent ?? context.active(), span)) as Record<string, string>;
  try {
    await send(headers);
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** A consumer span for one delivery, child of the span that published it. */
export function startDeliverySpan(queue: string, msg: ConsumeMessage, event?: Pick<EventEnvelope, 'id' | 'type'>): { span: Span; ctx: Context } {
  const parent = extractTrace(msg.properties.headers);
  const span = tracer.startSpan(`process ${queue}`, {
    kind: SpanKind.CONSUMER,
    attributes: {
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': queue,
      'messaging.rabbitmq.destination.routing_key': msg.fields.routingKey,
      'messaging.message.id': event?.id ?? String(msg.properties.messageId ?? ''),
      ...(event ? { 'shop.event.type': event.type } : {}),
      ...(msg.fields.redelivered ? { 'messaging.rabbitmq.redelivered': true } : {}),
    },
  }, parent);
  return { span, ctx: trace.setSpan(parent, span) };
}

// A batch handles many deliveries in one transaction; each event keeps its own trace.
const eventContexts = new WeakMap<object, Context>();

export function bindEventContext(event: object, ctx: Context): void {
  eventContexts.set(event, ctx);
}

/**
 * For a batch handler: runs `fn` for each event in turn, each inside the trace of the message
 * that brought it, so its queries and the events it writes belong to that message's trace
 * (one order stays one trace when fifty are reserved in one commit).
 * `for (const e of events) await f(e)` becomes `await eachEvent(events, f)`.
 */
export async function eachEvent<E extends object>(events: readonly E[], fn: (event: E) => Promise<unknown>): Promise<void> {
  for (const event of events) {
    const ctx = eventContexts.get(event);
    if (ctx) await context.with(ctx, () => fn(event));
    else await fn(event);
  }
}
