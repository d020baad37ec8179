/**
 * Host audit against real engines: the machine's dockerd plus a second one started here on its
 * own socket, data root, exec root and network namespace (reached through a loopback TCP proxy
 * too, to be audited as a remote engine), an engine that is down and one that answers garbage, a daemon.json that is not JSON,
 * and scheduled-report directories.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, docker, ensureTestImage, removeContainersLabelled } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import { startSecondDockerd, type SecondDockerd } from '../../helpers/second-dockerd.js';
import { connectEngine } from '../../../src/engine/dockerode-client.js';
import type { Report } from '../../../src/audit/model.js';

const LABEL = 'bulkhead-test=audit-host';
const root = `/tmp/bh2-${process.pid}`;
const sock2 = `${root}/docker.sock`;
const tcpPort = 23000 + (process.pid % 900);
const garbageSock = `${root}/garbage.sock`;
const missingSock = `${root}/missing.sock`;
let dockerd: SecondDockerd | undefined;
let garbage: Server | undefined;
let tcpProxy: Server | undefined;
let work: string;

beforeAll(async () => {
  ensureTestImage();
  removeContainersLabelled(LABEL);
  work = mkdtempSync(join(tmpdir(), 'bulkhead-host-'));
  // its own network namespace: `--bridge none` in the host namespace would delete docker0
  dockerd = await startSecondDockerd(root, ['--no-new-privileges', '--log-opt', 'max-size=10m']);
  const second = await connectEngine(`unix://${sock2}`);
  // the test image moves over with the image save/load API, as a registry-less host would do it
  const main = await connectEngine();
  await second.loadImage(await main.exportImage(TEST_IMAGE));
  docker(['-H', `unix://${sock2}`, 'run', '-d', '--name', 'bh-second-root', '--network', 'none', '--label', LABEL, TEST_IMAGE, 'sleep', '600']);
  docker(['run', '-d', '--name', `bh-host-main-${process.pid}`, '--label', LABEL, '--cap-add', 'NET_ADMIN', TEST_IMAGE, 'sleep', '600']);

  // tcp://127.0.0.1:PORT -> the second engine's socket: reached over TCP, it is a remote engine to the audit
  tcpProxy = createServer((client) => {
    const upstream = connect(sock2);
    client.pipe(upstream).pipe(client);
    const close = () => (client.destroy(), upstream.destroy());
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((r) => tcpProxy!.listen(tcpPort, '127.0.0.1', r));

  // an "engine" that answers every request with junk
  garbage = createServer((s) => s.end('this is not HTTP\r\n\r\n\u0000\u0001'));
  await new Promise<void>((r) => garbage!.listen(garbageSock, r));
}, 120_000);

afterAll(async () => {
  removeContainersLabelled(LABEL);
  if (existsSync(sock2)) docker(['-H', `unix://${sock2}`, 'rm', '-f', 'bh-second-root'], { allowFail: true });
  garbage?.close();
  tcpProxy?.close();
  await dockerd?.stop();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

async function auditJson(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await runCli(['audit', 'host', ...args, '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
  return { code: r.code, report: r.stdout ? (JSON.parse(r.stdout) as Report) : (undefined as never), stderr: r.stderr };
}

describe('audit host', () => {
  it('audits several engines concurrently, one section each; down or garbage engines are errors on their own target', async () => {
    const hosts = ['unix:///var/run/docker.sock', `unix://${sock2}`, `unix://${missingSock}`, `unix://${garbageSock}`, `tcp://127.0.0.1:${tcpPort}`];
    const { code, report } = await auditJson(['--fs', 'none', ...hosts.flatMap((h) => ['--host', h])]);
    expect(code).toBe(0);
    const hostTargets = report.targets.filter((t) => t.kind === 'host');
    expect(hostTargets.map((t) => t.name)).toEqual(hosts);
    const [main, second, missing, junk, tcp] = hostTargets;
    expect(missing!.errors[0]?.message).toMatch(/cannot reach the Docker engine at unix:\/\/.*missing\.sock \(ENOENT\)/);
    expect(junk!.errors[0]?.message).toMatch(/garbage\.sock/);
    expect(junk!.findings).toEqual([]);

    // the machine's engine: Debian's runc 1.1.5+ds1-1+deb12u1 carries the Leaky Vessels backport (its commit field
    // says so), so CVE-2024-21626 is not reported; the engine reports no package revision, so its CVEs are hedged
    const hs001 = main!.findings.filter((f) => f.ruleId === 'HS001');
    expect(hs001.some((f) => f.message.includes('CVE-2024-21626'))).toBe(false);
    expect(hs001.find((f) => f.message.includes('CVE-2024-41110'))?.message).toMatch(/Debian bookworm package.*the distro may have backported the fix/);
    expect(main!.properties).toMatchObject({ engine: '20.10.24+dfsg1', runc: '1.1.5+ds1', rootless: false, cgroup: 'v1' });

    // the second engine's own dockerd flags are read (--no-new-privileges, --log-opt max-size), not the first one's
    const secondIds = new Set(second!.findings.map((f) => f.ruleId));
    const mainIds = new Set(main!.findings.map((f) => f.ruleId));
    for (const id of ['HS005', 'HS006']) {
      expect(secondIds.has(id), `second ${id}`).toBe(false);
      expect(mainIds.has(id), `main ${id}`).toBe(true);
    }

    // tcp: a remote engine for this audit; host files are not read, and plain TCP is reported
    expect(tcp!.properties?.hostFileChecks).toMatch(/^skipped: remote engine/);
    expect(tcp!.findings.find((f) => f.ruleId === 'HS008')?.message).toMatch(/plain TCP without TLS/);
    expect(tcp!.findings.some((f) => f.ruleId === 'HS003')).toBe(false);

    // containers of each engine, named with their engine
    const containers = report.targets.filter((t) => t.kind === 'container').map((t) => t.name);
    expect(containers).toContain(`bh-second-root @ unix://${sock2}`);
    expect(containers).toContain(`bh-host-main-${process.pid} @ unix:///var/run/docker.sock`);
    const mainContainer = report.targets.find((t) => t.name === `bh-host-main-${process.pid} @ unix:///var/run/docker.sock`)!;
    expect(mainContainer.findings.map((f) => f.ruleId)).toContain('CT002');
  }, 60_000);

  it('an engine that accepts but never answers is reported after --timeout, the others are audited', async () => {
    const hangSock = `${root}/hang.sock`;
    const held: Socket[] = [];
    const hang = createServer((s) => void held.push(s));
    await new Promise<void>((r) => hang.listen(hangSock, r));
    try {
      const started = Date.now();
      const { code, report } = await auditJson(['--fs', 'none', '--timeout', '1', '--host', `unix://${hangSock}`, '--host', 'unix:///var/run/docker.sock']);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(code).toBe(0);
      expect(report.targets[0]!.errors[0]?.message).toMatch(/no answer within 1 s/);
      expect(report.targets[1]!.findings.length).toBeGreaterThan(0);
    } finally {
      for (const s of held) s.destroy();
      hang.close();
    }
  });

  it('exits 3 when no engine could be reached, naming each', async () => {
    const r = await runCli(['audit', 'host', '--host', `unix://${missingSock}`, '--host', `unix://${garbageSock}`, '--config', '/dev/null']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/none of the 2 engines could be audited/);
    expect(r.stderr).toContain('missing.sock');
    expect(r.stderr).toContain('garbage.sock');
  });

  it('a --host that is not an engine URL is a usage error (exit 2), not an unreachable engine', async () => {
    const r = await runCli(['audit', 'host', '--host', 'unix:///var/run/docker.sock', '--host', 'ftp://example', '--config', '/dev/null']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('bulkhead: --host ftp://example: engine URL "ftp://example" has an unsupported scheme ftp: (expected unix://, tcp:// or ssh://)');
  });

  it('a daemon.json that is not JSON is a clear error, and the other checks go on', async () => {
    const bad = join(work, 'daemon.json');
    writeFileSync(bad, '{\n  "icc": false,\n  "log-opts": { "max-size": "10m" \n}\n');
    const { code, report, stderr } = await auditJson(['--fs', 'none', '--daemon-json', bad]);
    expect(code).toBe(0);
    const host = report.targets[0]!;
    expect(host.errors[0]?.message).toMatch(new RegExp(`${bad}(:\\d+)?: not valid JSON .*daemon\\.json checks skipped`));
    expect(stderr).toContain('not valid JSON');
    expect(host.findings.some((f) => f.ruleId === 'HS001')).toBe(true);
    expect(report.targets.some((t) => t.kind === 'container')).toBe(true);
  });

  it('reads daemon.json settings when it is valid', async () => {
    const good = join(work, 'good-daemon.json');
    writeFileSync(good, JSON.stringify({ icc: false, 'log-opts': { 'max-size': '10m' }, 'no-new-privileges': true, 'live-restore': true }));
    const { report } = await auditJson(['--fs', 'none', '--daemon-json', good]);
    const ids = new Set(report.targets[0]!.findings.map((f) => f.ruleId));
    for (const id of ['HS003', 'HS005', 'HS006']) expect(ids.has(id), id).toBe(false);
    expect(report.targets[0]!.errors).toEqual([]);
  });

  it('--report-dir keeps each run (JSON + HTML) with a trend index, and compares with the previous run', async () => {
    const dir = join(work, 'reports');
    const first = await runCli(['audit', 'host', '--fs', 'none', '--report-dir', dir, '--format', 'junit', '--fail-on', 'never', '--config', '/dev/null']);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^<\?xml/);
    await new Promise((r) => setTimeout(r, 1100)); // timestamped names have one-second resolution
    docker(['create', '--label', LABEL, '--name', `bh-host-late-${process.pid}`, '--pid', 'host', TEST_IMAGE, 'sleep', '600']);
    docker(['start', `bh-host-late-${process.pid}`]);
    const second = await runCli(['audit', 'host', '--fs', 'none', '--report-dir', dir, '--format', 'json', '--fail-on', 'high', '--config', '/dev/null']);
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect(files.filter((f) => /^bulkhead-.*\.html$/.test(f))).toHaveLength(2);
    expect(files).toContain('index.html');
    const rep = JSON.parse(second.stdout) as Report;
    const late = rep.targets.find((t) => t.name === `bh-host-late-${process.pid}`)!;
    expect(late.findings.every((f) => f.baseline === 'new')).toBe(true);
    expect(rep.targets[0]!.findings.every((f) => f.baseline === 'unchanged')).toBe(true);
    // only the new host-PID container fails the run: unchanged findings do not
    expect(second.code).toBe(1);
    const index = readFileSync(join(dir, 'index.html'), 'utf8');
    expect(index.match(/<tr class="run">/g)).toHaveLength(2);
    expect(index).toContain('<svg id="trend"');
    expect(index).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)=/);
  }, 60_000);
});
