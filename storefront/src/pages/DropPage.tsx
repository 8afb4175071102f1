/** The drop page: built on the drop kit's API (/api/drops), which is not on this platform yet. */
import type { Location } from '../router.tsx';

export default function DropPage(_: { params: Record<string, string>; loc: Location }) {
  return (
    <section aria-labelledby="drop-title">
      <h1 id="drop-title">Drop</h1>
      <p>Drops open here once the drop kit is live.</p>
    </section>
  );
}
