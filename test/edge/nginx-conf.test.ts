import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RENDERED_BASELINE, RENDERED_EDGE, ROOT, render, run } from './edge-files.js';

async function nginxTest(conf: string, prefix: string): Promise<string> {
  const { stdout, stderr } = await run('nginx', ['-t', '-e', join(prefix, 'check-error.log'), '-c', conf, '-p', prefix], { timeout: 30_000 });
  return `${stdout}${stderr}`;
}

describe('nginx confs', () => {
  it('when the templates are rendered, then nginx -t accepts the edge and the baseline', async () => {
    await render();
    const edge = readFileSync(RENDERED_EDGE, 'utf8');
    expect(edge).not.toContain('${ROOT}');
    expect(edge).toContain(`${ROOT}/.run/nginx/nginx.pid`);
    expect(await nginxTest(RENDERED_EDGE, join(ROOT, '.run', 'nginx'))).toMatch(/test is successful/);
    expect(await nginxTest(RENDERED_BASELINE, join(ROOT, '.run', 'nginx', 'baseline'))).toMatch(/test is successful/);
  });

  it("when the storefront image's conf is checked with its paths stubbed, then nginx -t accepts it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nginx-storefront-'));
    try {
      const conf = readFileSync(join(ROOT, 'nginx', 'storefront.conf'), 'utf8')
        // /tmp/ first: the checkout itself may live under /tmp (a CI clone), and its path must survive.
        .replaceAll('/tmp/', `${dir}/`)
        .replaceAll('/etc/nginx/conf.d/storefront.inc', join(ROOT, 'nginx', 'storefront.inc'))
        .replaceAll('/usr/share/nginx/storefront', dir)
        .replace(/\/dev\/std(out|err)/g, join(dir, 'std$1.log'));
      writeFileSync(join(dir, 'storefront.conf'), conf);
      expect(await nginxTest(join(dir, 'storefront.conf'), dir)).toMatch(/test is successful/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the Docker balancer conf is checked with its hosts stubbed, then nginx -t accepts it', async () => {
    // Here the replicas' DNS names do not resolve and this nginx may predate `resolve`
    // (1.27.3), so both are stubbed; everything else is checked as written.
    const dir = mkdtempSync(join(tmpdir(), 'nginx-docker-'));
    try {
      const conf = readFileSync(join(ROOT, 'nginx', 'docker.conf'), 'utf8')
        .replace(/server [a-z]+:(\d+) resolve /g, 'server 127.0.0.1:$1 ')
        .replaceAll('/var/cache/nginx', dir)
        .replaceAll('/etc/nginx/conf.d/errors.inc', join(ROOT, 'nginx', 'docker-errors.inc'))
        .replaceAll('/etc/nginx/conf.d/storefront.inc', join(ROOT, 'nginx', 'storefront.inc'))
        .replaceAll('/usr/share/nginx/storefront', dir)
        .replaceAll('/tmp/nginx.pid', join(dir, 'nginx.pid'))
        .replace(/\/dev\/std(out|err)/g, join(dir, 'std$1.log'));
      expect(conf).not.toMatch(/ resolve /);
      writeFileSync(join(dir, 'docker.conf'), conf);
      expect(await nginxTest(join(dir, 'docker.conf'), dir)).toMatch(/test is successful/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
