/** The outbox row keeps the trace it was written in (see @shop/messaging). */
import { outboxTraceMigration } from '@shop/messaging';

export const { up, down } = outboxTraceMigration;
