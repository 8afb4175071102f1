/** Bits every page uses: an error a person can read, a loading line, a product's tile. */
import type { ComponentChildren } from 'preact';
import { humanError } from './errors.ts';

export function ErrorBox({ error, children }: { error: unknown; children?: ComponentChildren }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      {humanError(error)}
      {children}
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="muted" role="status">
      {what}…
    </p>
  );
}

/** A coloured square with the product's initials: no image request per tile. */
export function Swatch({ name, large = false }: { name: string; large?: boolean }) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  const initials = name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0] ?? '')
    .join('')
    .toUpperCase();
  return (
    <div class={large ? 'swatch large' : 'swatch'} style={{ background: `hsl(${hash % 360} 45% 38%)` }} aria-hidden="true">
      {initials}
    </div>
  );
}
