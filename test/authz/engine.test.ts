/**
 * The plugin in front of a real engine: a second dockerd started with
 * --authorization-plugin=bulkhead (the plugin socket is /run/docker/plugins/bulkhead.sock in
 * that dockerd's own mount namespace), driven by the real docker CLI and by `bulkhead run`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, ensureTestImage } from '../helpers/engine.js';
import { startSecondDockerd, waitFor, type SecondDockerd } from '../helpers/second-dockerd.js';
import { runCli } from '../helpers/cli.js';

const root = `/tmp/bh-authz-${process.pid}`;
const pluginDir = `${root}/plugins`;
const pluginSock = `${pluginDir}/bulkhead.sock`;
const logFile = `${root}/authz.log`;
const bin = fileURLToPath(new URL('../../bin/bulkhead.js', import.meta.url));
let engine: SecondDockerd;
let plugin: ChildProcess | undefined;

function startPlugin(mode: 'enforce' | 'audit'): Promise<void> {
  plugin = spawn(process.execPath, [bin, 'authz', 'serve', '--policy', 'untrusted', '--socket', pluginSock, '--mode', mode, '--log', logFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  plugin.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return waitFor(() => err.includes('serving policy'), 20_000, () => `the plugin (${err})`);
}

async function stopPlugin(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!plugin || plugin.exitCode !== null) return;
  const exited = new Promise((r) => plugin!.once('exit', r));
  plugin.kill(signal);
  await exited;
}

function dockerCli(args: string[], timeout = 60_000): { code: number; out: string; err: string } {
  const r = spawnSync('docker', ['-H', engine.host, ...args], { encoding: 'utf8', timeout });
  return { code: r.status ?? -1, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** A `docker run` that meets the untrusted policy. */
const COMPLIANT = ['run', '--rm', '--user', '65534:65534', '--cap-drop', 'ALL', '--read-only', '--memory', '64m', '--cpus', '0.5', '--pids-limit', '64', '--security-opt', 'no-new-privileges', '--network', 'none'];

function logLines(): Array<Record<string, unknown>> {
  return readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

beforeAll(async () => {
  ensureTestImage();
  mkdirSync(pluginDir, { recursive: true });
  // dockerd refuses to start when a configured plugin does not answer: the plugin comes first
  await startPlugin('enforce');
  engine = await startSecondDockerd(root, ['--authorization-plugin=bulkhead'], { pluginDir });
  const save = spawnSync('sh', ['-c', `docker save ${TEST_IMAGE} | docker -H ${engine.host} load`], { encoding: 'utf8' });
  if (save.status !== 0) throw new Error(`loading the test image: ${save.stderr}`);
}, 180_000);

afterAll(async () => {
  if (plugin?.exitCode !== null) await startPlugin('enforce').catch(() => undefined);
  dockerCli(['rm', '-f', 'bh-authz-long'], 20_000);
  await engine?.stop();
  await stopPlugin();
}, 120_000);

describe('bulkhead authz in front of a real dockerd', () => {
  it('allows a compliant docker run, and bulkhead run --policy untrusted', () => {
    const r = dockerCli([...COMPLIANT, TEST_IMAGE, 'echo', 'hello']);
    expect(r.err).toBe('');
    expect(r.out).toBe('hello');
    const b = spawnSync(process.execPath, [bin, 'run', '--rm', '--policy', 'untrusted', TEST_IMAGE, '--', 'id', '-u'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: engine.host } });
    expect(b.stderr).not.toMatch(/authorization denied/);
    expect(b.stdout.trim()).toBe('65534');
    expect(b.status).toBe(0);
  });

  const denied: Array<[string, string[], string]> = [
    ['--privileged', ['--privileged'], 'CT001'],
    ['-v /var/run/docker.sock:/s', ['-v', '/var/run/docker.sock:/s'], 'CT004'],
    ['-v /:/host', ['-v', '/:/host'], 'CT005'],
    ['--pid host', ['--pid', 'host'], 'CT006'],
    ['--cap-add SYS_ADMIN', ['--cap-add', 'SYS_ADMIN'], 'CT002'],
    ['--security-opt seccomp=unconfined', ['--security-opt', 'seccomp=unconfined'], 'CT016'],
    ['--user 0', ['--user', '0'], 'CT019'],
    ['--security-opt systempaths=unconfined', ['--security-opt', 'systempaths=unconfined'], 'CT033'],
  ];
  it.each(denied)('denies docker run %s with the rule and its fix', (_n, flags, id) => {
    const r = dockerCli([...COMPLIANT, ...flags, TEST_IMAGE, 'true']);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('authorization denied by plugin bulkhead');
    expect(r.err).toContain(id);
    expect(r.err).toContain('fix:');
  });

  it('denies docker exec --privileged and exec as root, allows a plain exec', () => {
    const start = dockerCli(['run', '-d', '--name', 'bh-authz-long', ...COMPLIANT.slice(2), TEST_IMAGE, 'sleep', '300']);
    expect(start.err).toBe('');
    const priv = dockerCli(['exec', '--privileged', 'bh-authz-long', 'true']);
    expect(priv.code).not.toBe(0);
    expect(priv.err).toContain('AZ003');
    expect(dockerCli(['exec', '-u', '0', 'bh-authz-long', 'true']).err).toContain('AZ003');
    expect(dockerCli(['exec', 'bh-authz-long', 'id', '-u']).out).toBe('65534');
    const upd = dockerCli(['update', '--pids-limit', '-1', 'bh-authz-long']);
    expect(upd.err).toContain('AZ004');
    dockerCli(['rm', '-f', 'bh-authz-long']);
  });

  it('denies a create whose body the daemon did not see (Content-Length 0, CVE-2024-41110 shape)', () => {
    const r = spawnSync('curl', ['-s', '--unix-socket', engine.socket, '-X', 'POST', '-H', 'Content-Type: application/json', '-H', 'Content-Length: 0', 'http://localhost/v1.41/containers/create'], { encoding: 'utf8' });
    expect(r.stdout).toContain('authorization denied by plugin bulkhead');
    expect(r.stdout).toContain('AZ001');
  });

  it('bulkhead audit host recognises the plugin (HS027 silent), through the plugin itself', async () => {
    const r = await runCli(['audit', 'host', '--host', engine.host, '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
    const report = JSON.parse(r.stdout) as { targets: Array<{ kind: string; findings: Array<{ ruleId: string }> }> };
    const host = report.targets.find((t) => t.kind === 'host')!;
    expect(host).toBeDefined();
    expect(host.findings.map((f) => f.ruleId)).not.toContain('HS027');
  });

  it('logs one JSON line per decision', () => {
    const lines = logLines();
    const priv = lines.find((l) => (l.ruleIds as string[]).includes('CT001'))!;
    expect(priv).toMatchObject({ mode: 'enforce', allow: false, method: 'POST', action: 'container-create', image: TEST_IMAGE });
    expect(String(priv.uri)).toMatch(/\/containers\/create/);
  });

  it('fails closed while the plugin is down, and passes again once it is back', async () => {
    await stopPlugin('SIGKILL');
    const down = dockerCli([...COMPLIANT, TEST_IMAGE, 'true'], 90_000);
    expect(down.code).not.toBe(0);
    // every API call fails, _ping included; dockerd names the plugin in the error body
    const ping = spawnSync('curl', ['-s', '--unix-socket', engine.socket, 'http://localhost/v1.41/version'], { encoding: 'utf8', timeout: 90_000 });
    expect(ping.stdout).toMatch(/plugin bulkhead/i);
    await startPlugin('enforce');
    const up = dockerCli([...COMPLIANT, TEST_IMAGE, 'echo', 'back']);
    expect(up.out).toBe('back');
  }, 150_000);

  it('audit mode lets everything through and logs what enforce would deny', async () => {
    await stopPlugin();
    await startPlugin('audit');
    const r = dockerCli([...COMPLIANT, '--privileged', TEST_IMAGE, 'echo', 'through'], 50_000);
    expect(r, engine.log().slice(-1500)).toMatchObject({ out: 'through' });
    const line = logLines().reverse().find((l) => l.mode === 'audit' && l.action === 'container-create')!;
    expect(line).toMatchObject({ allow: true, wouldDeny: true });
    expect(line.ruleIds).toContain('CT001');
    await stopPlugin();
    await startPlugin('enforce');
    expect(existsSync(pluginSock)).toBe(true);
  }, 150_000);
});
