/** The rehearsal's markdown: the chart, then every target with what was measured. */
/* eslint-disable @typescript-eslint/no-explicit-any */
const yes = (ok: boolean | null | undefined) => (ok === null || ok === undefined ? 'n/a' : ok ? 'met' : '**missed**');

const countOf = (xs: string[]) => xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

export function renderReport(r: any, svg: string): string {
  const c = r.correctness;
  const f = r.fairness;
  const l = r.latency;
  const cap = r.capacity;
  const s = r.settings;
  const rows: Array<[string, string, string]> = [
    ['0 oversold', String(c.oversold), yes(c.oversold === 0)],
    ['0 lost (inventory sold = units of CONFIRMED orders)', `${c.lost}${c.ordersUnheard ? ` (orders whose answer the buyer never got: ${c.ordersUnheard.count}, counted; lookups failed: ${c.ordersUnheard.lookupsFailed})` : ''}`, yes(c.lost === 0)],
    ['0 doubled (a retried key makes no second order)', `${c.doubled} (retries sent ${c.retries.sent}, replayed ${c.retries.replayed})`, yes(c.doubled === 0)],
    ['0 unsold', String(c.unsold), yes(c.unsold === 0)],
    ['every order final within 5 s of the last sale', c.allFinalSecondsAfterLastSale === null ? 'not all final' : `${c.allFinalSecondsAfterLastSale} s`, yes(c.allFinalSecondsAfterLastSale !== null && c.allFinalSecondsAfterLastSale <= 5)],
    ['first come, first served after the open (rank correlation 1.0)', `${f.fifoRankCorrelation ?? 'n/a'} over ${f.fifoAdmitted} admissions`, yes(f.fifoRankCorrelation === null ? null : f.fifoRankCorrelation === 1)],
    ['pre-queue order recomputed from the revealed seed', `${f.shuffleRecomputed ? 'matches' : 'differs'}; commitment ${f.commitmentMatches ? 'matches' : 'differs'}; admissions follow it: ${f.preQueueRankCorrelation ?? 'n/a'} over ${f.preQueueAdmitted}`, yes(f.shuffleRecomputed && f.commitmentMatches && (f.preQueueRankCorrelation ?? 1) === 1)],
    ['join and poll p99 ≤ 50 ms', `${l.joinPoll.p99} ms (p50 ${l.joinPoll.p50}, max ${l.joinPoll.max}; during the spike p99 ${l.joinPollDuringSpike.p99}); ${l.joinPoll.count} requests, ${l.joinPoll.errors} not 200`, yes(l.joinPoll.p99 !== null && l.joinPoll.p99 <= 50)],
    ['held polls (queue/me/wait, far from the head; answered on a change, so their time is not a latency)', l.heldPolls ? `${l.heldPolls.count} (held p50 ${l.heldPolls.p50} ms, max ${l.heldPolls.max}; ${l.heldPolls.errors} not 200); ${l.requestsPerBuyer} join/poll/held requests per buyer` : 'none', 'n/a'],
    ['polls served at ≥ 40% of the static-nginx baseline', cap?.polls ? `${cap.polls.rps} req/s vs ${cap.baseline.rps} req/s = ${(cap.ratio * 100).toFixed(1)}% (poll p99 ${cap.polls.p99?.toFixed(1)} ms)` : 'not measured', yes(cap?.ratio === undefined ? null : cap.ratio >= 0.4)],
    ["an admitted buyer's order p99 ≤ 250 ms", `${l.order.p99} ms (p50 ${l.order.p50}, max ${l.order.max}; ${l.order.count} requests)`, yes(l.order.p99 !== null && l.order.p99 <= 250)],
    ['sold-out reaches every waiting buyer within 2 s', `${r.soldOut.waitingBuyersTold} told; p99 ${r.soldOut.p99Ms} ms, max ${r.soldOut.maxMs} ms after the drop read SOLD_OUT`, yes(r.soldOut.maxMs === null ? null : r.soldOut.maxMs <= 2000)],
    ['every bot attempt refused', `${r.bots.refused} of ${r.bots.attempts} (other answers: ${JSON.stringify(r.bots.other)})`, yes(r.bots.refused === r.bots.attempts)],
    [`arrivals peaking at ${s.peakPerSecond}/s`, `${r.arrivals.peakPerSecondMeasured}/s measured (joins per bucket), ${s.buyers - s.preQueue} arrivals over ${r.arrivals.spanSeconds} s`, yes(r.arrivals.peakPerSecondMeasured >= s.peakPerSecond * 0.9)],
  ];
  return `# Drop rehearsal

\`${r.command}\` (${r.startedAt}), against the running platform at :8000, with the load
generator on the same two cores. Drop \`${r.dropId}\`.

![drop rehearsal](${svg})

Crowd: ${s.buyers} buyers (${s.preQueue} in the pre-queue), ${s.units} units, per-customer cap ${s.cap},
admission ${s.admitPerSecond}/s, holds of ${s.holdSeconds} s, ${s.abandon * 100}% abandoning their hold,
${s.retry * 100}% retrying an order with the same key, ${s.bots} bots posting orders without admission
(half of them with a forged token). Buyers signed in before the load at ${r.signIn.perSecond}/s
(refresh grant on cached buyers; ${r.signIn.created} created this run).

| target | measured | |
|---|---|---|
${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}

Outcomes per buyer: ${Object.entries(r.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}.
Inventory at the end: ${JSON.stringify(c.inventory)}. Orders accepted ${c.ordersAccepted}, final ${c.ordersFinal}.
Admitted buyers refused at the order: ${c.refusedAdmittedOrders.length ? Object.entries(countOf(c.refusedAdmittedOrders)).map(([k, v]) => `${k} ×${v}`).join(', ') : 'none'}. Request errors: ${JSON.stringify(c.errors)}.
${cap?.command ? `\nCapacity: \`${cap.command}\` (64 VUs, closed model) right after the drop, same machine.\n` : ''}
The JSON beside this file has every number and the timeline (${r.timeline.length} buckets).
`;
}
