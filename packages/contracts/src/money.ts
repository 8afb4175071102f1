/** Minor units to a display string: formatMoney(2999, 'EUR') → '€29.99', formatMoney(500, 'JPY') → '¥500'. */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}
