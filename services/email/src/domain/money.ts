/** One formatter for the whole platform (the invoice PDF uses it too). */
export { formatMoney } from '@shop/contracts';
