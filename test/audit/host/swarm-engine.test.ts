/**
 * Swarm checks (HS029-HS033) against a real swarm: a second dockerd started here in its own
 * network namespace (with `--bridge none`, which in the host namespace would delete docker0)
 * with its own data root, exec root, pidfile and socket under /tmp, `docker swarm init` on a veth
 * address of that namespace, then torn down. The machine's engine, not in a swarm, is the
 * does-not-fire case.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import { connectEngine } from '../../../src/engine/dockerode-client.js';
import type { Finding, Report } from '../../../src/audit/model.js';

const root = `/tmp/hostchecks-swarm-${process.pid}`;
const sock = `${root}/docker.sock`;
const addr = `10.231.${process.pid % 250}.1`;
let dockerd: ChildProcess | undefined;
let log = '';
const swarmDocker = (args: string[]) => docker(['-H', `unix://${sock}`, ...args]);

async function auditFindings(host?: string): Promise<Finding[]> {
  const { stdout, stderr } = await runCli(['audit', 'host', ...(host ? ['-H', host] : []), '--fs', 'none', '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
  if (!stdout) throw new Error(stderr);
  return (JSON.parse(stdout) as Report).targets[0]!.findings.filter((f) => /^HS0(29|3[0-3])$/.test(f.ruleId));
}

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  // the namespace has only lo: a veth pair gives swarm an address to advertise
  writeFileSync(
    `${root}/start.sh`,
    `set -e
ip link set lo up
ip link add hcsw0 type veth peer name hcsw1
ip addr add ${addr}/24 dev hcsw0
ip link set hcsw0 up
ip link set hcsw1 up
exec dockerd --host unix://${sock} --data-root ${root}/data --exec-root ${root}/exec --pidfile ${root}/docker.pid --bridge none --iptables=false --ip-masq=false
`,
  );
  dockerd = spawn('unshare', ['--net', '--', 'sh', `${root}/start.sh`], { stdio: ['ignore', 'ignore', 'pipe'] });
  dockerd.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const engine = await connectEngine(`unix://${sock}`);
  const end = Date.now() + 30_000;
  for (;;) {
    try {
      await engine.ping();
      break;
    } catch {
      if (Date.now() > end || dockerd.exitCode !== null) throw new Error(`second dockerd did not start (exit ${dockerd.exitCode}): ${log.slice(-600)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  swarmDocker(['swarm', 'init', '--advertise-addr', addr]);
  swarmDocker(['network', 'create', '-d', 'overlay', 'hostchecks-plain']);
  swarmDocker(['network', 'create', '-d', 'overlay', '--opt', 'encrypted', 'hostchecks-encrypted']);
}, 120_000);

afterAll(async () => {
  if (dockerd && dockerd.exitCode === null) {
    const exited = new Promise((r) => dockerd!.once('exit', r));
    dockerd.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    if (dockerd.exitCode === null) dockerd.kill('SIGKILL');
  }
  // dockerd can leave mounts under its roots; unmount what is under ours, deepest first
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(root))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  rmSync(root, { recursive: true, force: true });
}, 60_000);

describe('swarm checks on a real swarm manager', () => {
  it('a fresh single-manager swarm: swarm mode, unencrypted overlays (ingress too), no auto-lock; one manager and 90-day certificates are fine', async () => {
    const findings = await auditFindings(`unix://${sock}`);
    const by = (id: string) => findings.filter((f) => f.ruleId === id).map((f) => f.message);
    expect(by('HS029')).toEqual([`engine unix://${sock} is in swarm mode (a manager of a swarm of 1 node(s)): leave the swarm if this host does not need it`]);
    expect(by('HS030')).toEqual([]);
    expect(by('HS031').sort()).toEqual(['overlay network hostchecks-plain is not encrypted', 'overlay network ingress (the routing-mesh ingress network) is not encrypted']);
    expect(by('HS032')).toEqual([`swarm manager unix://${sock} is not auto-locked: its Raft key is on its disk`]);
    expect(by('HS033')).toEqual([]);
  });

  it('auto-lock on and year-long node certificates: HS032 goes, HS033 comes; no join token reaches the report', async () => {
    swarmDocker(['swarm', 'update', '--autolock=true', '--cert-expiry', '8760h']);
    const findings = await auditFindings(`unix://${sock}`);
    expect(findings.filter((f) => f.ruleId === 'HS032')).toEqual([]);
    expect(findings.filter((f) => f.ruleId === 'HS033').map((f) => f.message)).toEqual(['swarm node certificates last 365 days before they are renewed, longer than 90']);
    const { stdout } = await runCli(['audit', 'host', '-H', `unix://${sock}`, '--fs', 'none', '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
    expect(stdout).not.toContain('SWMTKN-');
  });

  it('the machine engine, not in a swarm: none of the swarm checks fires', async () => {
    expect(await auditFindings()).toEqual([]);
  });
});
