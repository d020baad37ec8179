/**
 * Swarm checks (HS029-HS033) against a real swarm: a second dockerd started here in its own
 * network namespace (with `--bridge none`, which in the host namespace would delete docker0)
 * with its own data root, exec root, pidfile and socket under /tmp, `docker swarm init` on a veth
 * address of that namespace, then torn down. The machine's engine, not in a swarm, is the
 * does-not-fire case.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import { startSecondDockerd, type SecondDockerd } from '../../helpers/second-dockerd.js';
import type { Finding, Report } from '../../../src/audit/model.js';

const root = `/tmp/hostchecks-swarm-${process.pid}`;
const sock = `${root}/docker.sock`;
const addr = `10.231.${process.pid % 250}.1`;
let second: SecondDockerd | undefined;
const swarmDocker = (args: string[]) => docker(['-H', `unix://${sock}`, ...args]);

async function auditFindings(host?: string): Promise<Finding[]> {
  const { stdout, stderr } = await runCli(['audit', 'host', ...(host ? ['-H', host] : []), '--fs', 'none', '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
  if (!stdout) throw new Error(stderr);
  return (JSON.parse(stdout) as Report).targets[0]!.findings.filter((f) => /^HS0(29|3[0-3])$/.test(f.ruleId));
}

beforeAll(async () => {
  // the namespace has only lo: a veth pair gives swarm an address to advertise
  second = await startSecondDockerd(root, [], {
    setup: ['ip link set lo up', 'ip link add hcsw0 type veth peer name hcsw1', `ip addr add ${addr}/24 dev hcsw0`, 'ip link set hcsw0 up', 'ip link set hcsw1 up'],
  });
  swarmDocker(['swarm', 'init', '--advertise-addr', addr]);
  swarmDocker(['network', 'create', '-d', 'overlay', 'hostchecks-plain']);
  swarmDocker(['network', 'create', '-d', 'overlay', '--opt', 'encrypted', 'hostchecks-encrypted']);
}, 120_000);

afterAll(async () => {
  await second?.stop();
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
