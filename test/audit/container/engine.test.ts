/**
 * Against the real engine: deliberately insecure and hardened containers, files written at run
 * time, a container drifting from its bulkhead plan, and one that disappears mid-audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, buildDerivedImage, docker, ensureTestImage, removeContainersLabelled } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import { connectEngine } from '../../../src/engine/dockerode-client.js';
import type { EngineClient } from '../../../src/engine/client.js';
import { auditContainers } from '../../../src/audit/container/audit.js';
import { loadPolicy } from '../../../src/policy/load.js';
import { planHash } from '../../../src/policy/hash.js';
import type { HardeningPlan } from '../../../src/policy/plan.js';
import type { Report, TargetResult } from '../../../src/audit/model.js';

const LABEL = 'bulkhead-test=audit-container';
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const sfx = `${process.pid}`;
const names = {
  insecure: `bh-ct-insecure-${sfx}`,
  privileged: `bh-ct-priv-${sfx}`,
  hardened: `bh-ct-hardened-${sfx}`,
  planned: `bh-ct-planned-${sfx}`,
  tampered: `bh-ct-tampered-${sfx}`,
  unmasked: `bh-ct-unmasked-${sfx}`,
  publishAll: `bh-ct-publish-all-${sfx}`,
};

function planFlags(plan: HardeningPlan): string[] {
  return [
    '--cap-drop', 'ALL',
    ...plan.capabilities.add.flatMap((c) => ['--cap-add', c]),
    ...(plan.readOnlyRootFilesystem ? ['--read-only'] : []),
    '--memory', `${plan.resources.memoryBytes}`,
    '--memory-swap', `${plan.resources.memorySwapBytes}`,
    '--cpus', `${plan.resources.nanoCpus / 1e9}`,
    '--pids-limit', `${plan.resources.pidsLimit}`,
    ...plan.resources.ulimits.flatMap((u) => ['--ulimit', `${u.name}=${u.soft}:${u.hard}`]),
    ...(plan.noNewPrivileges ? ['--security-opt', 'no-new-privileges'] : []),
    '--network', plan.network.mode,
    '--restart', plan.restart.policy === 'on-failure' ? `on-failure:${plan.restart.maxRetries}` : 'no',
    '--user', `${plan.user.uid}:${plan.user.gid}`,
  ];
}

let report: Report;
let plan: HardeningPlan;

function target(name: string): TargetResult {
  const t = report.targets.find((x) => x.name === name);
  if (!t) throw new Error(`no target ${name} in ${report.targets.map((x) => x.name).join(', ')}`);
  return t;
}
const ruleIds = (name: string) => new Set(target(name).findings.map((f) => f.ruleId));

beforeAll(async () => {
  ensureTestImage();
  removeContainersLabelled(LABEL);
  plan = (await loadPolicy('default')).plan;
  docker(['run', '-d', '--name', names.insecure, '--label', LABEL, '--cap-add', 'SYS_ADMIN', '--pid', 'host',
    '-v', '/var/run/docker.sock:/var/run/docker.sock', '--restart', 'always', '-p', '0.0.0.0::80',
    '-e', `API_TOKEN=${TOKEN}`, TEST_IMAGE, 'sleep', '600']);
  // unmasked /proc, a sysctl and -P on a running container (the engine binds -P's ports), and -P on a created one
  docker(['run', '-d', '--name', names.unmasked, '--label', LABEL, '--security-opt', 'systempaths=unconfined', '--sysctl', 'net.ipv4.ip_forward=1',
    '-P', '--expose', '80', TEST_IMAGE, 'sleep', '600']);
  docker(['create', '--name', names.publishAll, '--label', LABEL, '-P', '--expose', '80', TEST_IMAGE, 'sleep', '600']);
  // privileged containers cannot start on this kernel; a created one is audited all the same
  docker(['create', '--name', names.privileged, '--label', LABEL, '--privileged', TEST_IMAGE, 'sleep', '600']);
  docker(['run', '-d', '--name', names.hardened, '--label', LABEL, '--cap-drop', 'ALL', '--read-only', '--memory', '64m',
    '--memory-swap', '64m', '--pids-limit', '64', '--cpus', '0.5', '--user', '65534:65534', '--security-opt', 'no-new-privileges',
    '--network', 'none', '--health-cmd', 'true', '--health-interval', '60s', TEST_IMAGE, 'sleep', '600']);
  const labels = (p: HardeningPlan, hash: string) => ['--label', `io.bulkhead.policy=${p.policyName}`, '--label', `io.bulkhead.plan=${JSON.stringify(p)}`, '--label', `io.bulkhead.plan-hash=${hash}`];
  docker(['run', '-d', '--name', names.planned, '--label', LABEL, ...planFlags(plan), ...labels(plan, planHash(plan)), TEST_IMAGE, 'sleep', '600']);
  const edited = { ...plan, resources: { ...plan.resources, memoryBytes: plan.resources.memoryBytes * 2 } };
  docker(['run', '-d', '--name', names.tampered, '--label', LABEL, ...planFlags(plan), ...labels(edited, planHash(plan)), TEST_IMAGE, 'sleep', '600']);
  // after start: loosen the planned container the way an operator would
  docker(['update', '--memory', `${plan.resources.memoryBytes * 4}`, '--memory-swap', `${plan.resources.memoryBytes * 4}`, names.planned]);
  // an intruder keeps a setuid shell and drops a token (outside /tmp, so changes lists it)
  docker(['exec', names.insecure, 'sh', '-c', `mkdir -p /opt/kit && cp /bin/busybox /opt/kit/sh && chmod 4755 /opt/kit/sh && echo "token=${TOKEN}" > /srv-token`]);

  const r = await runCli(['audit', 'container', ...Object.values(names), '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
  if (r.code !== 0) throw new Error(`audit container exited ${r.code}: ${r.stderr}`);
  report = JSON.parse(r.stdout) as Report;
}, 120_000);

afterAll(() => removeContainersLabelled(LABEL));

describe('audit container on the real engine', () => {
  it('reports every deliberate weakness of the insecure container', () => {
    const ids = ruleIds(names.insecure);
    for (const id of ['CT002', 'CT003', 'CT004', 'CT006', 'CT013', 'CT014', 'CT015', 'CT018', 'CT019', 'CT020', 'CT021', 'CT022', 'CT024', 'CT029', 'CT030']) {
      expect(ids, id).toContain(id);
    }
    expect(target(names.insecure).findings.find((f) => f.ruleId === 'CT002')?.message).toMatch(/SYS_ADMIN/);
  });

  it('reports the privileged container (created, not running)', () => {
    expect(ruleIds(names.privileged)).toContain('CT001');
    expect(target(names.privileged).properties?.status).toBe('created');
  });

  it('reads unmasked /proc paths, sysctls and -P from the engine (CT033, CT034; CT022 for the bound -P port, CT035 before it binds)', () => {
    const unmasked = target(names.unmasked).findings;
    expect(unmasked.find((f) => f.ruleId === 'CT033')?.message).toMatch(/unmasks \/proc\/asound.*\/proc\/kcore.*and leaves \/proc\/bus.*\/proc\/sysrq-trigger writable/);
    expect(unmasked.find((f) => f.ruleId === 'CT034')?.message).toMatch(/net\.ipv4\.ip_forward=1/);
    expect(unmasked.map((f) => f.ruleId)).toContain('CT022');
    expect(unmasked.map((f) => f.ruleId)).not.toContain('CT035');
    expect(ruleIds(names.publishAll)).toContain('CT035');
    // the engine's default masks hold for every other container: the data matches this engine
    for (const n of [names.insecure, names.hardened, names.planned]) expect(ruleIds(n), n).not.toContain('CT033');
  });

  it('reports nothing for the hardened container', () => {
    expect(target(names.hardened).findings.map((f) => `${f.ruleId} ${f.message}`)).toEqual([]);
    expect(target(names.hardened).errors).toEqual([]);
  });

  it('finds the setuid file and the token written at run time (--fs changes)', () => {
    const t = target(names.insecure);
    const setuid = t.findings.filter((f) => f.ruleId === 'CT025');
    expect(setuid.map((f) => f.location?.path)).toEqual(['/opt/kit/sh']);
    expect(setuid[0]?.message).toMatch(/setuid file \/opt\/kit\/sh \(mode 4755\) added at run time/);
    const secret = t.findings.find((f) => f.ruleId === 'CT026');
    expect(secret?.location?.path).toBe('/srv-token');
    // the docker socket mount point is listed as a change but never read through
    expect(t.findings.some((f) => f.location?.path === '/var/run/docker.sock' && f.ruleId === 'CT026')).toBe(false);
  });

  it('never prints the planted token', () => {
    expect(JSON.stringify(report)).not.toContain(TOKEN);
  });

  it('reports drift from the recorded plan, and nothing else, for the bulkhead-started container', () => {
    const t = target(names.planned);
    const drift = t.findings.filter((f) => f.ruleId === 'CT027');
    expect(drift.map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringMatching(/resources\.memory is 256 MiB|resources\.memory is \d+/)]));
    expect(new Set(drift.map((f) => f.fingerprint)).size).toBe(drift.length);
    expect(t.findings.filter((f) => f.ruleId === 'CT028')).toEqual([]);
  });

  it('reports a plan label that does not match its hash', () => {
    expect(ruleIds(names.tampered)).toContain('CT028');
    expect(ruleIds(names.tampered)).not.toContain('CT027');
  });

  it('--fs full reads the whole filesystem through the same scanner', async () => {
    const r = await runCli(['audit', 'container', names.insecure, '--fs', 'full', '--format', 'json', '--fail-on', 'never', '--config', '/dev/null']);
    const t = (JSON.parse(r.stdout) as Report).targets[0]!;
    expect(t.findings.filter((f) => f.ruleId === 'CT025').map((f) => f.location?.path)).toContain('/opt/kit/sh');
    expect(t.findings.some((f) => f.ruleId === 'CT026' && f.location?.path === '/srv-token')).toBe(true);
  });

  it('a container whose user is a name that its /etc/passwd makes uid 0 runs as root (CT019)', async () => {
    const image = 'bulkhead-test/ct-alias-root:1';
    buildDerivedImage(image, 'RUN echo "admin:x:0:0::/root:/bin/sh" >> /etc/passwd && echo "app:x:1000:1000::/tmp:/bin/sh" >> /etc/passwd');
    const alias = `bh-ct-alias-${sfx}`;
    const app = `bh-ct-app-${sfx}`;
    try {
      docker(['run', '-d', '--name', alias, '--label', LABEL, '--user', 'admin', image, 'sleep', '600']);
      docker(['run', '-d', '--name', app, '--label', LABEL, '--user', 'app', image, 'sleep', '600']);
      const r = await runCli(['audit', 'container', alias, app, '--format', 'json', '--fail-on', 'never', '--config', '/dev/null', '--fs', 'none']);
      const rep = JSON.parse(r.stdout) as Report;
      const ct019 = (name: string) => rep.targets.find((t) => t.name === name)?.findings.filter((f) => f.ruleId === 'CT019').map((f) => f.message);
      expect(ct019(alias)).toEqual([`container ${alias} runs as root (user admin, uid 0 in its /etc/passwd)`]);
      expect(ct019(app)).toEqual([]);
    } finally {
      docker(['rm', '-f', alias, app], { allowFail: true });
      docker(['rmi', '-f', image], { allowFail: true });
    }
  });

  it('a container name that does not exist is an error on its target; the others are audited', async () => {
    const r = await runCli(['audit', 'container', names.hardened, 'bh-no-such-container', '--format', 'json', '--config', '/dev/null']);
    const rep = JSON.parse(r.stdout) as Report;
    expect(rep.targets.find((t) => t.name === 'bh-no-such-container')?.errors[0]?.message).toBe('no such container: bh-no-such-container');
    expect(r.stderr).toContain('bh-no-such-container: no such container');
    expect(r.code).toBe(0);
  });

  it('a container removed between list and inspect is reported, the rest still audited', async () => {
    const real = await connectEngine();
    const victim = docker(['run', '-d', '--label', LABEL, TEST_IMAGE, 'sleep', '600']);
    let removed = false;
    const racing: EngineClient = Object.create(real) as EngineClient;
    racing.listContainers = (o) => real.listContainers({ ...o, labels: [LABEL] });
    racing.inspectContainer = async (id) => {
      if (id === victim && !removed) {
        removed = true;
        docker(['rm', '-f', victim]);
      }
      return real.inspectContainer(id);
    };
    const targets = await auditContainers(racing, { refs: [], fs: 'changes' });
    const gone = targets.find((t) => t.errors.some((e) => /disappeared during the audit/.test(e.message)));
    expect(gone?.name).toBe(victim.slice(0, 12));
    expect(targets.some((t) => t.name === names.insecure && t.findings.length > 0)).toBe(true);
  });

  it('an engine that is not there exits 3 with one clear line', async () => {
    const r = await runCli(['audit', 'container', '--host', 'unix:///tmp/bulkhead-no-engine.sock', '--config', '/dev/null']);
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/cannot reach the Docker engine at unix:\/\/\/tmp\/bulkhead-no-engine\.sock/);
  });
});
