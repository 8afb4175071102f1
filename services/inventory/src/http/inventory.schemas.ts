import { z } from 'zod';

/** Postgres integer: the largest count a stock column holds. */
const MAX_COUNT = 2_147_483_647;

export const ProductParams = z.strictObject({ productId: z.guid() });

export const SetAvailableBody = z.strictObject({
  available: z.number().int().min(0).max(MAX_COUNT),
});

export const Availability = z.strictObject({
  productId: z.uuid(),
  available: z.number().int().min(0),
}).meta({ id: 'Availability' });

export const StockLevelsView = z.strictObject({
  productId: z.uuid(),
  available: z.number().int().min(0),
  reserved: z.number().int().min(0),
  sold: z.number().int().min(0),
  added: z.number().int(),
  deleted: z.boolean(),
  updatedAt: z.iso.datetime({ offset: true }),
}).meta({ id: 'StockLevels' });

export type SetAvailableInput = z.infer<typeof SetAvailableBody>;
