/**
 * The runtime rules (HS034-HS036) against the machine's engine, and against the same engine
 * behind a proxy whose GET /info carries no Runtimes: there they are not checked, rather than
 * passed. Expectations are read from `docker info`, so they hold whatever is registered; the
 * runsc that scripts/engine registers is required, as the sandbox tests require it.
 */
import { request, createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import type { Report, TargetResult } from '../../../src/audit/model.js';

type Runtimes = Record<string, { path?: string; runtimeArgs?: string[] }>;
const RULES = ['HS034', 'HS035', 'HS036'];
let dir: string;
let proxy: Server | undefined;
let proxySock: string;

async function auditHost(host: string): Promise<TargetResult> {
  const { stdout, stderr } = await runCli(['audit', 'host', '-H', host, '--fs', 'none', '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
  if (!stdout) throw new Error(stderr);
  return (JSON.parse(stdout) as Report).targets.find((t) => t.kind === 'host')!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bulkhead-runtimes-'));
  proxySock = join(dir, 'docker.sock');
  // the machine's engine, except that GET /info has no Runtimes (as an engine that does not say)
  proxy = createServer((req, res) => {
    const upstream = request({ socketPath: '/var/run/docker.sock', path: req.url, method: req.method, headers: req.headers }, (up) => {
      if (!/\/info(\?|$)/.test(req.url ?? '')) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        return;
      }
      let body = '';
      up.on('data', (c: Buffer) => (body += c.toString()));
      up.on('end', () => {
        const info = JSON.parse(body) as Record<string, unknown>;
        delete info.Runtimes;
        delete info.DefaultRuntime;
        const out = JSON.stringify(info);
        res.writeHead(up.statusCode ?? 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out), 'api-version': up.headers['api-version'] ?? '' });
        res.end(out);
      });
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((r) => proxy!.listen(proxySock, r));
});

afterAll(() => {
  proxy?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('audit host: the engine\'s runtimes', () => {
  it('lists every registered runtime; HS034-HS036 fire exactly as what is registered says', async () => {
    const runtimes = JSON.parse(docker(['info', '--format', '{{json .Runtimes}}'])) as Runtimes;
    const defaultRuntime = docker(['info', '--format', '{{.DefaultRuntime}}']);
    const host = await auditHost('unix:///var/run/docker.sock');
    expect(host.evaluated).toEqual(expect.arrayContaining(RULES));
    const listed = String(host.properties?.runtimes);
    for (const name of Object.keys(runtimes)) expect(listed).toContain(name);
    expect(listed).toContain(`${defaultRuntime} (default`);

    const gvisor = Object.entries(runtimes).filter(([, r]) => (r.path ?? '').endsWith('/runsc') || r.path === 'runsc');
    const fired = (id: string) => host.findings.filter((f) => f.ruleId === id);
    expect(fired('HS034')).toHaveLength(gvisor.length ? 0 : 1);
    expect(fired('HS035').map((f) => f.message)).toEqual(gvisor.filter(([, r]) => !(r.runtimeArgs ?? []).includes('--oci-seccomp')).map(([n]) => expect.stringContaining(`"${n}"`)));
    expect(fired('HS036')).toHaveLength(['runc', 'docker-runc', 'crun', 'youki', 'runsc'].includes(runtimes[defaultRuntime]?.path?.split('/').pop() ?? '') ? 0 : 1);
  });

  it('on this engine runsc is registered with --oci-seccomp (scripts/engine), so neither HS034 nor HS035 fires', async () => {
    const runtimes = JSON.parse(docker(['info', '--format', '{{json .Runtimes}}'])) as Runtimes;
    if (!runtimes.runsc) throw new Error('no runsc runtime registered with the engine: run scripts/engine (as root)');
    const host = await auditHost('unix:///var/run/docker.sock');
    expect(String(host.properties?.runtimes)).toContain('runsc (gVisor, --oci-seccomp)');
    expect(host.findings.filter((f) => f.ruleId === 'HS034' || f.ruleId === 'HS035')).toEqual([]);
  });

  it('an engine whose /info lists no runtimes: the runtime rules are not checked, and the report says so', async () => {
    const host = await auditHost(`unix://${proxySock}`);
    expect(host.evaluated?.length).toBeGreaterThan(10);
    for (const id of RULES) expect(host.evaluated).not.toContain(id);
    expect(host.findings.filter((f) => RULES.includes(f.ruleId))).toEqual([]);
    expect(host.properties?.runtimes).toBeUndefined();
    expect(host.errors.map((e) => e.message)).toContain('GET /info has no Runtimes: runtime checks skipped');
  });
});
