// Kubernetes JSON schemas for kubeconform, offline. The schemas come from the PyPI package
// kubernetes-validate (its wheel vendors them per Kubernetes version), whose files point at
// one shared `/api/_definitions.json`; kubeconform wants one standalone file per kind. This
// writes, for every top-level kind (a schema with x-kubernetes-group-version-kind), the
// kind's schema with just the definitions it reaches embedded as `#/$defs/...`.
//
//   node scripts/tools/k8s-schemas.mjs <wheel dir>/kubernetes-json-schema/v1.34.0-local-strict <out dir>
//
// Output names follow kubeconform's default template: {{ .ResourceKind }}{{ .KindSuffix }}.json
// (deployment-apps-v1.json, service-v1.json).
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [src, out] = process.argv.slice(2);
if (!src || !out) {
  console.error('usage: k8s-schemas.mjs <schema dir> <out dir>');
  process.exit(2);
}
const REF = /^(?:\/api\/_definitions\.json)?#\/\$defs\/(.+)$/;
const defs = JSON.parse(readFileSync(join(src, '_definitions.json'), 'utf8')).$defs;

/** Rewrites every $ref to a local #/$defs/... and records the names it reaches. */
function localise(node, reached) {
  if (Array.isArray(node)) return node.map((n) => localise(n, reached));
  if (!node || typeof node !== 'object') return node;
  const copy = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && REF.test(v)) {
      const name = REF.exec(v)[1];
      reached.add(name);
      copy[k] = `#/$defs/${name}`;
    } else {
      copy[k] = localise(v, reached);
    }
  }
  return copy;
}

mkdirSync(out, { recursive: true });
let written = 0;
for (const file of readdirSync(src)) {
  if (!file.endsWith('.json') || file.startsWith('_')) continue;
  const schema = JSON.parse(readFileSync(join(src, file), 'utf8'));
  if (!schema['x-kubernetes-group-version-kind']) continue;
  const pending = new Set();
  const root = localise(schema, pending);
  const embedded = {};
  while (pending.size) {
    const [name] = pending;
    pending.delete(name);
    if (embedded[name] || !defs[name]) continue;
    const more = new Set();
    embedded[name] = localise(defs[name], more);
    for (const m of more) if (!embedded[m]) pending.add(m);
  }
  writeFileSync(join(out, file), JSON.stringify({ ...root, $defs: embedded }));
  written++;
}
console.log(`k8s-schemas: ${written} standalone kind schemas in ${out}`);
