// The memory of one running replica, sampled from inside it, without restarting it:
//   node load-tests/profile/heap-probe.mjs --instance order-1 --seconds 240 --out /tmp/heap/order-1.jsonl \
//     [--every 250] [--gc-above 150 --gc-every 3000] [--snapshot-above 200 | --snapshot-sockets 900] [--snapshot-dir /tmp/heap]
// It opens the replica's inspector (SIGUSR1, 127.0.0.1:9229, one replica at a time), installs a
// sampler that stops itself after --seconds, and closes the inspector again. Every --every ms the
// replica appends one JSON line: process.memoryUsage(), the V8 spaces, the GCs since the last line
// (count and pause by kind) and the open handles by type (held sockets are TCPSocketWrap).
// --gc-above N: when the heap used passes N MB, a full GC (at most one per --gc-every ms), with
// the heap before and after: what it frees was garbage, what stays is live.
// --snapshot-above N: once, a heap snapshot (v8.writeHeapSnapshot: live objects only; the replica
// stops for seconds) into --snapshot-dir; --snapshot-sockets N: once more than N sockets are open
// (a crowd of held polls). heap-timeline.mjs prints the samples per step.
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: o } = parseArgs({
  options: {
    instance: { type: 'string' },
    seconds: { type: 'string', default: '240' },
    out: { type: 'string' },
    every: { type: 'string', default: '250' },
    'gc-above': { type: 'string' },
    'gc-every': { type: 'string', default: '3000' },
    'snapshot-above': { type: 'string' },
    'snapshot-sockets': { type: 'string' },
    'snapshot-dir': { type: 'string', default: '/tmp' },
    port: { type: 'string', default: '9229' },
  },
});
if (!o.instance || !o.out) throw new Error('--instance and --out are required');

function pidOf(instance) {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (env.includes(`INSTANCE_ID=${instance}`) && cmd.includes('/dist/main.js')) return Number(pid);
    } catch {
      // not ours or gone
    }
  }
  throw new Error(`no process with INSTANCE_ID=${instance}`);
}

/** Runs inside the replica (Runtime.evaluate): no imports, only built-ins. */
function probe(opts) {
  const fs = process.getBuiltinModule('node:fs');
  const v8 = process.getBuiltinModule('node:v8');
  const vm = process.getBuiltinModule('node:vm');
  const { PerformanceObserver } = process.getBuiltinModule('node:perf_hooks');
  globalThis.__heapProbe?.stop();
  let gc;
  if (opts.gcAbove) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc');
  }
  const KINDS = { 1: 'minor', 2: 'minor', 4: 'major', 8: 'incremental', 16: 'weak' };
  let gcs = {};
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const k = KINDS[e.detail?.kind ?? e.kind] ?? String(e.detail?.kind);
      const g = (gcs[k] ??= { n: 0, ms: 0 });
      g.n += 1;
      g.ms += e.duration;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const mb = (b) => Math.round(b / 1e5) / 10;
  let lastGc = 0;
  let snapped = false;
  const line = (x) => fs.appendFileSync(opts.out, JSON.stringify(x) + '\n');
  const sample = () => {
    const m = process.memoryUsage();
    const spaces = {};
    for (const s of v8.getHeapSpaceStatistics()) if (s.space_used_size > 1e6) spaces[s.space_name.replace('_space', '')] = mb(s.space_used_size);
    const handles = {};
    for (const r of process.getActiveResourcesInfo()) handles[r] = (handles[r] ?? 0) + 1;
    const x = { t: Date.now(), limit: mb(v8.getHeapStatistics().heap_size_limit), rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces, gc: gcs, handles };
    gcs = {};
    const now = Date.now();
    if (gc && x.heapUsed > opts.gcAbove && now - lastGc > opts.gcEvery) {
      const t0 = performance.now();
      gc();
      const after = process.memoryUsage();
      x.forcedGc = { before: x.heapUsed, after: mb(after.heapUsed), rssAfter: mb(after.rss), ms: Math.round(performance.now() - t0) };
      lastGc = Date.now();
    }
    const crowd = opts.snapshotSockets && (x.handles.TCPSocketWrap ?? 0) > opts.snapshotSockets;
    if (!snapped && ((opts.snapshotAbove && x.heapUsed > opts.snapshotAbove) || crowd)) {
      snapped = true;
      const t0 = performance.now();
      const file = v8.writeHeapSnapshot(`${opts.snapshotDir}/${opts.instance}-${now}.heapsnapshot`);
      x.snapshot = { file, heapUsedBefore: x.heapUsed, ms: Math.round(performance.now() - t0) };
    }
    line(x);
  };
  const timer = setInterval(sample, opts.every);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    obs.disconnect();
    delete globalThis.__heapProbe;
  };
  setTimeout(stop, opts.seconds * 1000).unref();
  globalThis.__heapProbe = { stop };
  return `probe on ${process.pid} for ${opts.seconds} s`;
}

async function cdp(url, calls) {
  const ws = new WebSocket(url);
  await new Promise((res, rej) => {
    ws.onopen = res;
    ws.onerror = rej;
  });
  const pending = new Map();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(ev.data);
    if (msg.id && pending.has(msg.id)) pending.get(msg.id)(msg);
  };
  let id = 0;
  const send = (method, params) =>
    new Promise((res) => {
      pending.set(++id, res);
      ws.send(JSON.stringify({ id, method, params }));
    });
  const results = [];
  for (const [method, params] of calls) results.push(await send(method, params));
  ws.close();
  return results;
}

const pid = pidOf(o.instance);
process.kill(pid, 'SIGUSR1');
let target;
for (let i = 0; i < 50 && !target; i++) {
  await new Promise((r) => setTimeout(r, 100));
  try {
    const list = await (await fetch(`http://127.0.0.1:${o.port}/json/list`)).json();
    target = list[0];
  } catch {
    // not listening yet
  }
}
if (!target) throw new Error(`the inspector of ${o.instance} (pid ${pid}) did not open on :${o.port}`);
const opts = {
  instance: o.instance,
  out: o.out,
  seconds: Number(o.seconds),
  every: Number(o.every),
  gcAbove: o['gc-above'] ? Number(o['gc-above']) : undefined,
  gcEvery: Number(o['gc-every']),
  snapshotAbove: o['snapshot-above'] ? Number(o['snapshot-above']) : undefined,
  snapshotSockets: o['snapshot-sockets'] ? Number(o['snapshot-sockets']) : undefined,
  snapshotDir: o['snapshot-dir'],
};
const [pidCheck, installed] = await cdp(target.webSocketDebuggerUrl, [
  ['Runtime.evaluate', { expression: 'process.pid', returnByValue: true }],
  ['Runtime.evaluate', { expression: `(${probe.toString()})(${JSON.stringify(opts)})`, returnByValue: true }],
  // inspector.close() waits for every session to end, so it runs after this one has gone.
  ['Runtime.evaluate', { expression: "setTimeout(() => process.getBuiltinModule('node:inspector').close(), 300).unref(); 'closing'", returnByValue: true }],
]);
if (pidCheck.result?.result?.value !== pid) throw new Error(`the inspector on :${o.port} is not ${o.instance}'s (pid ${pid})`);
console.log(installed.result?.result?.value ?? JSON.stringify(installed));
// Wait for the port to close, so the next replica's inspector can open on it.
for (let i = 0; i < 30; i++) {
  await new Promise((r) => setTimeout(r, 100));
  try {
    await fetch(`http://127.0.0.1:${o.port}/json/list`);
  } catch {
    process.exit(0);
  }
}
console.error(`the inspector on :${o.port} is still open`);
