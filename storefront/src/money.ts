/** Money is integer minor units with an ISO currency (DESIGN.md). */
const formats = new Map<string, Intl.NumberFormat>();

export function money(minor: number, currency: string | null | undefined): string {
  const code = currency ?? 'EUR';
  let f = formats.get(code);
  if (!f) {
    f = new Intl.NumberFormat('en', { style: 'currency', currency: code });
    formats.set(code, f);
  }
  const digits = f.resolvedOptions().maximumFractionDigits ?? 2;
  return f.format(minor / 10 ** digits);
}
