/** The fairness commitment, and after the open a button that recomputes the shuffle here. */
import { useState } from 'preact/hooks';
import { get } from '../api.ts';
import type { Drop } from '../drop.ts';
import { verifyShuffle, type FairnessRecord, type Verdict } from '../fairness.ts';
import { ErrorBox } from '../ui.tsx';

export function FairnessPanel({ drop, ticketId }: { drop: Drop; ticketId?: string }) {
  const [result, setResult] = useState<{ busy?: boolean; verdict?: Verdict; count?: number; error?: unknown }>({});
  const recordUrl = `/api/drops/${drop.id}/fairness`;
  const check = async () => {
    setResult({ busy: true });
    try {
      const record = await get<FairnessRecord>(recordUrl, { auth: false });
      setResult({ verdict: await verifyShuffle(record, drop.fairness.seedHash, ticketId), count: record.tickets.length });
    } catch (error) {
      setResult({ error });
    }
  };
  const v = result.verdict;
  return (
    <details class="panel">
      <summary>How the queue is ordered (fairness)</summary>
      <p>
        Everyone who joins before the open is placed by a shuffle of the tickets, keyed by a secret seed. The shop committed to that seed when
        it scheduled the drop, by publishing its SHA-256:
      </p>
      <p class="mono" data-testid="seed-hash">
        {drop.fairness.seedHash}
      </p>
      {drop.fairness.seed ? (
        <>
          <p>
            The seed, revealed at the open: <span class="mono">{drop.fairness.seed}</span>
          </p>
          <p>
            <button type="button" class="secondary" onClick={check} disabled={result.busy}>
              {result.busy ? 'Recomputing…' : 'Recompute the shuffle in this browser'}
            </button>{' '}
            <a href={recordUrl}>the published record (JSON)</a>
          </p>
        </>
      ) : (
        <p class="muted">The seed is revealed at the open; then this page can recompute the order itself.</p>
      )}
      {v ? (
        <p class={v.ok ? 'notice' : 'error'} role="status" data-testid="fairness-verdict" data-ok={String(v.ok)}>
          {v.ok
            ? `Verified: the seed matches the commitment, and the ${result.count} pre-queue tickets are in exactly the order the published function gives.`
            : `Mismatch: commitment ${v.commitment ? 'ok' : 'WRONG'}, ticket list ${v.listHash ? 'ok' : 'WRONG'}, order ${v.order ? 'ok' : 'WRONG'}.`}
          {v.position ? ` Your ticket was drawn at place ${v.position}.` : ''}
        </p>
      ) : null}
      <ErrorBox error={result.error} />
      <p class="muted small">Algorithm: {drop.fairness.algorithm}</p>
    </details>
  );
}
