/** Drops: scheduling and the live view arrive with the drop kit's API (/api/drops). */
export function AdminDrops(_: { id?: string }) {
  return (
    <section aria-labelledby="admin-drops-title">
      <h1 id="admin-drops-title">Drops</h1>
      <p>Scheduling drops needs the drop kit's API, which is not on this platform yet.</p>
    </section>
  );
}
