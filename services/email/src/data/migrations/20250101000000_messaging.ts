import { messagingMigration } from '@shop/messaging';

// outbox, inbox and tasks: the reliability tables every service shares.
export const { up, down } = messagingMigration;
