import { AppError } from '@shop/errors';

/** Stable codes this service answers with, besides the shared ones. */
export const CartErrors = {
  cartNotFound: () => new AppError('CART_NOT_FOUND', 'Cart not found: send a valid X-Cart-Id or sign in', 404),
  productNotFound: (id: string) => new AppError('PRODUCT_NOT_FOUND', `Product ${id} not found or not for sale`, 404),
  itemNotFound: (id: string) => new AppError('ITEM_NOT_FOUND', `Product ${id} is not in the cart`, 404),
  currencyMismatch: (have: string, got: string) =>
    new AppError('CURRENCY_MISMATCH', `The cart is priced in ${have}; this product is priced in ${got}`, 409),
  cartFull: (max: number) => new AppError('CART_FULL', `A cart holds at most ${max} different products`, 409),
};

export const MAX_QUANTITY = 99;
