import { EventTypes } from '@shop/contracts';
import type { Broker, Subscription } from '@shop/messaging';
import { rememberName, welcomeUser } from '../domain/notify.js';
import { consumeMailEvents, type ConsumerDeps } from './mail-context.js';

export const USER_EVENTS_QUEUE = 'email.user-events';

/** user.registered.v1 → remember the address and send the welcome; profile_updated.v1 → the new name. */
export function consumeUserEvents(broker: Broker, deps: ConsumerDeps): Subscription {
  return consumeMailEvents(broker, deps, USER_EVENTS_QUEUE, {
    [EventTypes.UserRegistered]: (event, ctx) => welcomeUser(ctx, event, event.data),
    [EventTypes.UserProfileUpdated]: (event, ctx) => rememberName(ctx, event.data.userId, event.data.name),
  });
}
