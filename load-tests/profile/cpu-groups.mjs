// CPU time of every process on the machine, grouped (service replicas by name, postgres, redis, the
// broker, nginx, keycloak, prometheus, k6, the rehearsal, everything else), between two snapshots.
//   node load-tests/profile/cpu-groups.mjs snapshot > /tmp/a.json   ... load ...
//   node load-tests/profile/cpu-groups.mjs snapshot > /tmp/b.json
//   node load-tests/profile/cpu-groups.mjs diff /tmp/a.json /tmp/b.json [N]   (N requests: also µs per request)
// Processes that ended between the snapshots are missed (their CPU is in no group).
import { readdirSync, readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';

const TCK = Number(execSync('getconf CLK_TCK').toString().trim());

function group(cmd) {
  const svc = /services\/(\w+)\/(?:dist|src)\/main/.exec(cmd);
  if (svc) return `node ${svc[1]}`;
  if (cmd.includes('drop-rehearsal') || cmd.includes('rehearse.ts')) return 'rehearsal (load generator)';
  if (/\bk6\b/.test(cmd)) return 'k6';
  if (cmd.startsWith('postgres') || cmd.includes('/postgres')) return 'postgres';
  if (cmd.includes('pgbouncer')) return 'pgbouncer';
  if (cmd.includes('redis-server')) return 'redis';
  if (cmd.includes('beam') || cmd.includes('rabbit')) return 'rabbitmq';
  if (cmd.startsWith('nginx')) return cmd.includes('baseline') ? 'nginx baseline' : 'nginx edge';
  if (cmd.includes('keycloak') || cmd.includes('quarkus')) return 'keycloak';
  if (cmd.includes('prometheus') || cmd.includes('exporter') || cmd.includes('alertmanager')) return 'monitoring';
  if (cmd.includes('jaeger')) return 'jaeger';
  if (cmd.includes('tsc') || cmd.includes('jest') || cmd.includes('go-build') || cmd.includes('/compile')) return 'other helpers (builds, tests)';
  if (cmd === 'yes') return 'yes (another helper\'s CPU burner)';
  return 'other';
}

function snapshot() {
  const out = {};
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cpu = (Number(f[11]) + Number(f[12])) / TCK;
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim() || stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      out[pid] = { cpu, cmd: cmd.slice(0, 300) };
    } catch {
      // gone meanwhile
    }
  }
  return { at: Date.now() / 1000, procs: out };
}

const [mode, a, b, perArg] = process.argv.slice(2);
const per = Number(perArg) || 0;
if (mode === 'snapshot') {
  console.log(JSON.stringify(snapshot()));
} else if (mode === 'diff') {
  const A = JSON.parse(readFileSync(a, 'utf8'));
  const B = JSON.parse(readFileSync(b, 'utf8'));
  const seconds = B.at - A.at;
  const groups = {};
  for (const [pid, p] of Object.entries(B.procs)) {
    const before = A.procs[pid]?.cmd === p.cmd ? A.procs[pid].cpu : 0;
    const g = group(p.cmd);
    groups[g] = (groups[g] ?? 0) + (p.cpu - before);
  }
  const total = Object.values(groups).reduce((s, v) => s + v, 0);
  console.log(`${seconds.toFixed(1)} s wall, ${total.toFixed(1)} CPU-seconds (${(total / seconds).toFixed(2)} cores on average)${per ? `, ${per} requests: ${Math.round((total * 1e6) / per)} µs of CPU per request in all` : ''}`);
  for (const [g, v] of Object.entries(groups).sort((x, y) => y[1] - x[1])) {
    const each = per ? `  ${Math.round((v * 1e6) / per).toString().padStart(6)} µs/request` : '';
    if (v >= 0.05) console.log(`  ${g.padEnd(34)} ${v.toFixed(1).padStart(7)} s  ${((100 * v) / total).toFixed(1).padStart(5)}%${each}`);
  }
} else {
  console.error('usage: cpu-groups.mjs snapshot | diff A B');
  process.exit(2);
}
