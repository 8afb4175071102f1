/** Helpers for the edge tests: paths, the rendered nginx confs, and both route tables. */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERED_EDGE = join(ROOT, '.run', 'nginx', 'nginx.conf');
export const RENDERED_BASELINE = join(ROOT, '.run', 'nginx', 'baseline.conf');
export const KONG_YML = join(ROOT, 'kong-docker-compose', 'kong.yml');
export const DECK = join(ROOT, '.run', 'tools', 'bin', 'deck');

export const run = promisify(execFile);

/** Runs nginx/render.sh: renders .run/nginx/{nginx,baseline}.conf and checks them with nginx -t. */
export function render(): Promise<{ stdout: string; stderr: string }> {
  return run('bash', [join(ROOT, 'nginx', 'render.sh')], { cwd: ROOT });
}

export interface Route {
  prefix: string;
  service: string;
}

interface KongFile {
  services?: Array<{ name: string; url?: string; routes?: Array<{ name: string; paths?: string[]; strip_path?: boolean }> }>;
}

export function kongFile(): KongFile {
  return parse(readFileSync(KONG_YML, 'utf8')) as KongFile;
}

export function kongRoutes(): Route[] {
  return (kongFile().services ?? []).flatMap((s) => (s.routes ?? []).flatMap((r) => (r.paths ?? []).map((prefix) => ({ prefix, service: s.name }))));
}

interface Block {
  head: string[];
  directives: string[][];
  children: Block[];
}

/** A small nginx conf reader: comments dropped, quoted strings kept whole, blocks nested. */
export function parseNginx(text: string): Block {
  const tokens: string[] = [];
  const re = /#[^\n]*|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[{};]|[^\s{};'"#]+/g;
  for (const m of text.matchAll(re)) if (!m[0].startsWith('#')) tokens.push(m[0]);
  const root: Block = { head: [], directives: [], children: [] };
  const stack = [root];
  let current: string[] = [];
  for (const t of tokens) {
    const top = stack[stack.length - 1];
    if (t === ';') {
      top.directives.push(current);
      current = [];
    } else if (t === '{') {
      const child: Block = { head: current, directives: [], children: [] };
      top.children.push(child);
      stack.push(child);
      current = [];
    } else if (t === '}') {
      stack.pop();
    } else current.push(t);
  }
  return root;
}

function walk(block: Block, visit: (b: Block) => void): void {
  visit(block);
  for (const c of block.children) walk(c, visit);
}

/** Every `location` block under /api with its modifier and the upstream its proxy_pass names. */
export function nginxApiLocations(text: string): Array<Route & { modifier: string | null }> {
  const found: Array<Route & { modifier: string | null }> = [];
  walk(parseNginx(text), (b) => {
    if (b.head[0] !== 'location') return;
    const [modifier, path] = b.head.length === 3 ? [b.head[1], b.head[2]] : [null, b.head[1]];
    if (!path.startsWith('/api')) return;
    const pass = b.directives.find((d) => d[0] === 'proxy_pass');
    const service = pass ? pass[1].replace(/^https?:\/\//, '').replace(/[/:].*$/, '') : '(none)';
    found.push({ prefix: path, service, modifier });
  });
  return found;
}

export function nginxUpstreams(text: string): Map<string, string[]> {
  const ups = new Map<string, string[]>();
  walk(parseNginx(text), (b) => {
    if (b.head[0] === 'upstream') ups.set(b.head[1], b.directives.filter((d) => d[0] === 'server').map((d) => d[1]));
  });
  return ups;
}

/** The `server` lines of every upstream, whole (address and parameters). */
export function nginxUpstreamLines(text: string): Map<string, string[][]> {
  const ups = new Map<string, string[][]>();
  walk(parseNginx(text), (b) => {
    if (b.head[0] === 'upstream') ups.set(b.head[1], b.directives.filter((d) => d[0] === 'server').map((d) => d.slice(1)));
  });
  return ups;
}

/** Every `location` block with its modifier, path and the upstreams its proxy_pass names. */
export function nginxLocationPasses(text: string): Array<{ modifier: string | null; path: string; passes: string[] }> {
  const found: Array<{ modifier: string | null; path: string; passes: string[] }> = [];
  walk(parseNginx(text), (b) => {
    if (b.head[0] !== 'location') return;
    const [modifier, path] = b.head.length === 3 ? [b.head[1], b.head[2]] : [null, b.head[1]];
    const passes = b.directives.filter((d) => d[0] === 'proxy_pass').map((d) => d[1].replace(/^https?:\/\//, '').replace(/[/:].*$/, ''));
    found.push({ modifier, path, passes });
  });
  return found;
}

/** Servers of a conf: what each listens on, which upstream its locations pass to, its root and includes. */
export function nginxServers(text: string): Array<{ listen: string[]; passes: string[]; root: string[]; includes: string[] }> {
  const servers: Array<{ listen: string[]; passes: string[]; root: string[]; includes: string[] }> = [];
  walk(parseNginx(text), (b) => {
    if (b.head[0] !== 'server') return;
    const passes: string[] = [];
    walk(b, (inner) => inner.directives.filter((d) => d[0] === 'proxy_pass').forEach((d) => passes.push(d[1].replace(/^https?:\/\//, ''))));
    const args = (name: string) => b.directives.filter((d) => d[0] === name).map((d) => d[1]);
    servers.push({ listen: args('listen'), passes, root: args('root'), includes: args('include') });
  });
  return servers;
}

/** Every `location` block of a conf (or an included file): its modifier and path. */
export function nginxLocations(text: string): Array<{ modifier: string | null; path: string }> {
  const found: Array<{ modifier: string | null; path: string }> = [];
  walk(parseNginx(text), (b) => {
    if (b.head[0] !== 'location') return;
    found.push(b.head.length === 3 ? { modifier: b.head[1], path: b.head[2] } : { modifier: null, path: b.head[1] });
  });
  return found;
}

/** The arguments of every occurrence of a directive, anywhere in the conf. */
export function nginxDirectives(text: string, name: string): string[][] {
  const found: string[][] = [];
  walk(parseNginx(text), (b) => b.directives.filter((d) => d[0] === name).forEach((d) => found.push(d.slice(1))));
  return found;
}
