import { EventTypes, type AnyEvent } from '@shop/contracts';
import type { Broker, Subscription } from '@shop/messaging';
import { rememberName, welcomeUser } from '../domain/notify.js';
import { logOutcome, mailContext, type ConsumerDeps } from './mail-context.js';

export const USER_EVENTS_QUEUE = 'email.user-events';

/** user.registered.v1 → remember the address and send the welcome; profile_updated.v1 → the new name. */
export function consumeUserEvents(broker: Broker, deps: ConsumerDeps): Subscription {
  return broker.consume({
    queue: USER_EVENTS_QUEUE,
    events: [EventTypes.UserRegistered, EventTypes.UserProfileUpdated],
    db: deps.db,
    retryDelaysMs: deps.retryDelaysMs,
    prefetch: deps.concurrency,
    handle: async (received, trx) => {
      const event = received as AnyEvent;
      const ctx = mailContext(deps, trx);
      if (event.type === EventTypes.UserRegistered) {
        logOutcome(deps.logger, event, await welcomeUser(ctx, event, event.data));
      } else if (event.type === EventTypes.UserProfileUpdated) {
        await rememberName(ctx, event.data.userId, event.data.name);
      }
    },
  });
}
