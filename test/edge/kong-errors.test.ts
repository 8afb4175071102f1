/**
 * Kong's answer when no upstream answers (issue 10, defect 15), checked without Kong: kong.yml's
 * post-function runs in LuaJIT (Kong's runtime; scripts/lib/prereqs.sh installs it) in the
 * environment of Kong's sandbox, against a stub of the PDK (kong-errors.lua), and what the client
 * gets is compared with what the local edge answers in the same case (nginx/edge.conf.template):
 * the same status, code, message and Retry-After, and the same "no replica was reached" rule.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { KONG_YML, ROOT, parseNginx } from './edge-files.js';

const HARNESS = join(ROOT, 'test', 'edge', 'kong-errors.lua');
type Source = 'error' | 'exit' | 'service';
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  eof: boolean;
}

interface PostFunction {
  header_filter: string[];
  body_filter: string[];
}

function postFunction(text = readFileSync(KONG_YML, 'utf8')): PostFunction {
  const plugins = (parse(text) as { plugins?: Array<{ name: string; config: PostFunction }> }).plugins ?? [];
  const found = plugins.filter((p) => p.name === 'post-function');
  if (found.length !== 1) throw new Error(`kong.yml has ${found.length} post-function plugins, expected the one that shapes Kong's upstream errors`);
  return found[0].config;
}

let dir: string;
let files = { header: '', body: '' };

function write(config: PostFunction, name: string): { header: string; body: string } {
  expect({ header_filter: config.header_filter.length, body_filter: config.body_filter.length }).toEqual({ header_filter: 1, body_filter: 1 });
  const header = join(dir, `${name}-header_filter.lua`);
  const body = join(dir, `${name}-body_filter.lua`);
  writeFileSync(header, config.header_filter[0]);
  writeFileSync(body, config.body_filter[0]);
  return { header, body };
}

/** One answer through the post-function: Kong's status and source, $upstream_connect_time, X-Request-Id on the response / request. */
function kongAnswer(status: number, source: Source, connect: string | null, ids: { response?: string; request?: string } = {}, code = files): Answer {
  const out = execFileSync('luajit', [HARNESS, code.header, code.body, String(status), source, connect ?? '', ids.response ?? '', ids.request ?? ''], { encoding: 'utf8' });
  const answer: Answer = { status: 0, headers: {}, body: '', eof: false };
  for (const line of out.split('\n').filter(Boolean)) {
    const [kind, ...rest] = line.split('\t');
    if (kind === 'status') answer.status = Number(rest[0]);
    else if (kind === 'header') answer.headers[rest[0]] = rest[1];
    else if (kind === 'body') answer.body = rest.join('\t');
    else if (kind === 'eof') answer.eof = rest[0] === 'true';
  }
  return answer;
}

/** The local edge's own answers: the `return` of @e502 (and of its `if ($no_replica_reached)`), @e503, @e504. */
function edgeAnswers(): Record<'e502' | 'noReplica' | 'e503' | 'e504', { status: number; body: unknown; retryAfter: string | null }> {
  const root = parseNginx(readFileSync(join(ROOT, 'nginx', 'edge.conf.template'), 'utf8'));
  const locations = new Map<string, ReturnType<typeof parseNginx>>();
  const walk = (b: ReturnType<typeof parseNginx>): void => {
    if (b.head[0] === 'location' && b.head[1]?.startsWith('@')) locations.set(b.head[1], b);
    b.children.forEach(walk);
  };
  walk(root);
  const answer = (b: ReturnType<typeof parseNginx> | undefined) => {
    const ret = b?.directives.find((d) => d[0] === 'return');
    if (!ret) throw new Error('no return in an error location of nginx/edge.conf.template');
    const retry = b!.directives.find((d) => d[0] === 'add_header' && d[1] === 'Retry-After');
    const body = JSON.parse(ret[2].slice(1, -1).replace('$req_id', 'the-id')) as unknown;
    return { status: Number(ret[1]), body, retryAfter: retry ? retry[2] : null };
  };
  const e502 = locations.get('@e502');
  const noReplica = e502?.children.find((c) => c.head.join(' ') === 'if ($no_replica_reached)');
  return { e502: answer(e502), noReplica: answer(noReplica), e503: answer(locations.get('@e503')), e504: answer(locations.get('@e504')) };
}

const seen = (a: Answer) => ({ status: a.status, body: JSON.parse(a.body) as unknown, retryAfter: a.headers['Retry-After'] ?? null });

beforeAll(() => {
  try {
    execFileSync('luajit', ['-v'], { encoding: 'utf8' });
  } catch {
    throw new Error('luajit is missing: scripts/lib/prereqs.sh installs it (npm run up), or apt-get install luajit');
  }
  dir = mkdtempSync(join(tmpdir(), 'kong-errors-'));
  files = write(postFunction(), 'kong');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Kong's answer when no upstream answers, as the local edge's", () => {
  it('when every try of Kong found no connection (all refused), then the client gets the edge\'s 503 SERVICE_UNAVAILABLE with Retry-After, not 502', () => {
    const edge = edgeAnswers().noReplica;
    expect(edge).toMatchObject({ status: 503, retryAfter: '1', body: { error: { code: 'SERVICE_UNAVAILABLE' } } });
    for (const connect of ['-', '-, -', '- : -', null]) {
      const a = kongAnswer(502, 'error', connect, { response: 'the-id' });
      expect({ connect, ...seen(a) }).toEqual({ connect, ...edge });
      expect({ connect, length: a.headers['Content-Length'], type: a.headers['Content-Type'], eof: a.eof }).toEqual({ connect, length: String(Buffer.byteLength(a.body)), type: 'application/json', eof: true });
    }
  });

  it('when a try connected and the upstream then failed, then it stays the edge\'s 502 BAD_GATEWAY (the upstream may have acted), without Retry-After', () => {
    const edge = edgeAnswers().e502;
    expect(edge).toMatchObject({ status: 502, retryAfter: null, body: { error: { code: 'BAD_GATEWAY' } } });
    for (const connect of ['0.001', '-, 0.002', '0.001, -']) expect({ connect, ...seen(kongAnswer(502, 'error', connect, { response: 'the-id' })) }).toEqual({ connect, ...edge });
  });

  it('when Kong answers 503 itself (no address for the upstream) or times out, then the edge\'s 503 with Retry-After and 504 come back', () => {
    const { e503, e504 } = edgeAnswers();
    expect(seen(kongAnswer(503, 'exit', null, { response: 'the-id' }))).toEqual(e503);
    expect(e503.retryAfter).toBe('1');
    expect(seen(kongAnswer(504, 'error', '-', { response: 'the-id' }))).toEqual(e504);
  });

  it('when nginx\'s $no_replica_reached and the post-function read the same connect times, then they agree', () => {
    const template = readFileSync(join(ROOT, 'nginx', 'edge.conf.template'), 'utf8');
    const rule = /map \$upstream_connect_time \$no_replica_reached \{\s*"~([^"]+)"\s+1;/.exec(template);
    expect(rule).not.toBeNull();
    const nginx = new RegExp(rule![1]);
    for (const connect of ['-', '-, -', '-, -, -', '- : -', '-, - : -', '0.001', '-, 0.002', '0.001, -', '0.000 : -']) {
      const kong = kongAnswer(502, 'error', connect).status === 503;
      expect({ connect, kong }).toEqual({ connect, kong: nginx.test(connect) });
    }
  });

  it('when a service (or the compose balancer) answered 502, 503 or 504 itself, then its answer passes untouched, as it does through nginx', () => {
    for (const upstream of [502, 503, 504]) {
      const a = kongAnswer(upstream, 'service', '-', { response: 'the-id' });
      expect({ upstream, ...a }).toEqual({
        upstream,
        status: upstream,
        headers: { 'Content-Length': '75', 'Content-Type': 'application/json; charset=utf-8', 'X-Request-Id': 'the-id' },
        body: '{"message":"An invalid response was received from the upstream server"}',
        eof: true,
      });
    }
  });

  it('when Kong answers another error of its own (429, 413, 404, 500), then the post-function leaves it alone', () => {
    for (const status of [429, 413, 404, 500]) expect({ status, answer: kongAnswer(status, 'exit', null).status, retry: kongAnswer(status, 'exit', null).headers['Retry-After'] }).toEqual({ status, answer: status, retry: undefined });
  });

  it('when the request id comes from correlation-id, the request or nowhere, then the body names it, escaped into valid JSON', () => {
    const id = (a: Answer) => (JSON.parse(a.body) as { error: { requestId: string } }).error.requestId;
    expect(id(kongAnswer(502, 'error', '-', { response: 'echoed', request: 'sent' }))).toBe('echoed');
    expect(id(kongAnswer(502, 'error', '-', { request: 'sent' }))).toBe('sent');
    expect(id(kongAnswer(502, 'error', '-'))).toMatch(/^[0-9a-f]{32}$/);
    const hostile = 'a"b\\c\u0001}';
    expect(id(kongAnswer(502, 'error', '-', { request: hostile }))).toBe(hostile);
  });

  it('when the rule is taken out of the post-function, then these checks see a 502 again (they can fail)', () => {
    const config = postFunction();
    const without = { ...config, header_filter: [config.header_filter[0].replace('then e = NO_REPLICA end', 'then end')] };
    expect(without.header_filter[0]).not.toBe(config.header_filter[0]);
    expect(kongAnswer(502, 'error', '-, -', {}, write(without, 'without')).status).toBe(502);
    expect(() => postFunction(readFileSync(KONG_YML, 'utf8').replace('- name: post-function', '- name: pre-function'))).toThrow(/0 post-function/);
  });
});
