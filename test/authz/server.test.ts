import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecisionLog } from '../../src/authz/decision-log.js';
import { startAuthzServer } from '../../src/authz/server.js';
import { loadPolicy } from '../../src/policy/load.js';

const dir = mkdtempSync(join(tmpdir(), 'authz-server-'));
const engine = { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' };

function post(socket: string, path: string, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const r = request({ socketPath: socket, path, method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) } }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Record<string, unknown> }));
    });
    r.on('error', reject);
    r.end(text);
  });
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
const compliant = { Image: 'busybox', User: '65534', Env: ['GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789'], HostConfig: { NetworkMode: 'none', CapDrop: ['ALL'], ReadonlyRootfs: true, Memory: 67108864, NanoCpus: 5e8, PidsLimit: 64, SecurityOpt: ['no-new-privileges'] } };

async function serve(mode: 'enforce' | 'audit'): Promise<{ server: Server; socket: string; logFile: string; log: DecisionLog }> {
  const socket = join(dir, `${mode}.sock`);
  const logFile = join(dir, `${mode}.log`);
  const log = new DecisionLog(logFile, 1 << 20, 2, process.stdout);
  const policy = await loadPolicy('untrusted');
  const server = await startAuthzServer({ socket, mode, log, context: () => ({ policy, engine, now: new Date() }) });
  return { server, socket, logFile, log };
}

let enforce: Awaited<ReturnType<typeof serve>>;
let audit: Awaited<ReturnType<typeof serve>>;
beforeAll(async () => {
  enforce = await serve('enforce');
  audit = await serve('audit');
});
afterAll(async () => {
  for (const s of [enforce, audit]) await new Promise((r) => s.server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('authz server', () => {
  it('activates as an authz plugin on a 0600 socket', async () => {
    expect((statSync(enforce.socket).mode & 0o777).toString(8)).toBe('600');
    expect((await post(enforce.socket, '/Plugin.Activate', '')).body).toEqual({ Implements: ['authz'] });
  });

  it('answers AuthZReq with Allow/Msg from moby field names (RequestUri, base64 RequestBody)', async () => {
    const ok = await post(enforce.socket, '/AuthZPlugin.AuthZReq', { User: '', RequestMethod: 'POST', RequestUri: '/v1.41/containers/create?name=ok', RequestBody: b64({ ...compliant, Env: [] }), RequestHeaders: { 'Content-Type': 'application/json' } });
    expect(ok.body).toEqual({ Allow: true });
    const no = await post(enforce.socket, '/AuthZPlugin.AuthZReq', { RequestMethod: 'POST', RequestURI: '/containers/create', RequestBody: b64({ ...compliant, HostConfig: { ...compliant.HostConfig, Privileged: true } }) });
    expect(no.body.Allow).toBe(false);
    expect(no.body.Msg).toMatch(/CT001 .*fix: /);
    const empty = await post(enforce.socket, '/AuthZPlugin.AuthZReq', { RequestMethod: 'POST', RequestUri: '/v1.41/containers/create', RequestHeaders: { 'Content-Length': '0' } });
    expect(empty.body).toMatchObject({ Allow: false });
    expect(String(empty.body.Msg)).toContain('AZ001');
    expect((await post(enforce.socket, '/AuthZPlugin.AuthZRes', { RequestMethod: 'GET', RequestUri: '/_ping' })).body).toEqual({ Allow: true });
  });

  it('denies malformed plugin requests instead of allowing them', async () => {
    for (const bad of ['not json', '[]', JSON.stringify({ RequestMethod: 'POST' }), JSON.stringify({ RequestMethod: 'POST', RequestUri: '/containers/create', RequestBody: '!!!' })]) {
      expect((await post(enforce.socket, '/AuthZPlugin.AuthZReq', bad)).body.Allow, bad).toBe(false);
    }
  });

  it('audit mode allows everything and logs the would-be denial; the log never holds an env value in full', async () => {
    const r = await post(audit.socket, '/AuthZPlugin.AuthZReq', { RequestMethod: 'POST', RequestUri: '/v1.41/containers/create?name=bad', RequestBody: b64({ ...compliant, HostConfig: { ...compliant.HostConfig, PidMode: 'host' } }) });
    expect(r.body).toEqual({ Allow: true });
    await new Promise((res) => setTimeout(res, 50));
    const lines = readFileSync(audit.logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const line = lines.find((l) => l.container === 'bad')!;
    expect(line).toMatchObject({ mode: 'audit', allow: true, wouldDeny: true, method: 'POST', image: 'busybox', action: 'container-create' });
    expect(line.ruleIds).toEqual(['CT006', 'CT024']);
    expect(typeof line.time).toBe('string');
    const text = readFileSync(audit.logFile, 'utf8');
    expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(text).toContain('GITHUB_TOKEN=ghp_…[redacted');
  });

  it('refuses a second instance on a live socket', async () => {
    const policy = await loadPolicy('untrusted');
    await expect(startAuthzServer({ socket: enforce.socket, mode: 'enforce', log: enforce.log, context: () => ({ policy, engine, now: new Date() }) })).rejects.toThrow(/another plugin instance/);
  });
});

describe('decision log', () => {
  it('rotates at its size cap and keeps N files', async () => {
    const file = join(dir, 'rot.log');
    const log = new DecisionLog(file, 300, 2, process.stdout);
    for (let i = 0; i < 20; i++) log.write({ time: 't', mode: 'enforce', user: '', method: 'GET', uri: `/x/${i}`, action: 'other', allow: true, ruleIds: [], ms: 0 });
    await log.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    expect(statSync(file).size).toBeLessThanOrEqual(300);
  });
});
