import { messagingMigration } from '@shop/messaging';

export const { up, down } = messagingMigration;
