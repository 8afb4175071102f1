import { AppError } from '@shop/errors';
import { CART_LIMITS } from '../config.js';

/** Stable codes this service answers with, besides the shared ones. */
export const CartErrors = {
  cartNotFound: () => new AppError('CART_NOT_FOUND', 'Cart not found: send a valid X-Cart-Id or sign in'),
  productNotFound: (id: string) => new AppError('PRODUCT_NOT_FOUND', `Product ${id} not found or not for sale`),
  itemNotFound: (id: string) => new AppError('ITEM_NOT_FOUND', `Product ${id} is not in the cart`),
  currencyMismatch: (have: string, got: string) =>
    new AppError('CURRENCY_MISMATCH', `The cart is priced in ${have}; this product is priced in ${got}`),
  cartFull: (max: number) => new AppError('CART_FULL', `A cart holds at most ${max} different products`),
};

/** Declared with the cart's other limits in config.ts. */
export const MAX_QUANTITY = CART_LIMITS.maxUnitsPerLine;
