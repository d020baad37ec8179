import { describe, expect, it } from 'vitest';
import { auditManifests } from '../../../src/audit/k8s/audit.js';
import { loadManifests } from '../../../src/audit/k8s/load.js';

const FIX = 'test/fixtures/k8s';
const cwd = process.cwd();

function ids(targets: ReturnType<typeof auditManifests>, suffix: string): string[] {
  const t = targets.find((x) => x.name.endsWith(suffix));
  expect(t, suffix).toBeDefined();
  return t!.findings.map((f) => f.ruleId);
}

describe('reading manifests', () => {
  it('multi-document files, List, CronJob templates, init and ephemeral containers; Services and custom resources are skipped', () => {
    const m = loadManifests([`${FIX}/app`], { cwd });
    expect(m.errors).toEqual([]);
    expect(m.workloads.map((w) => `${w.workload.kind}/${w.workload.name}:${w.containers.map((c) => `${c.list}.${c.name}`).join(',')}`)).toEqual([
      'DaemonSet/log-agent:initContainers.setup,containers.agent',
      'CronJob/nightly-report:containers.report',
      'Pod/debug-shell:containers.shell,ephemeralContainers.debugger',
      'Deployment/web:containers.web',
    ]);
    expect(m.workloads.find((w) => w.workload.kind === 'CronJob')!.specPath).toBe('spec.jobTemplate.spec.template.spec');
  });

  it('pod securityContext merges under the container: the container wins field by field', () => {
    const m = loadManifests(['-'], {
      cwd,
      stdin: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsUser: 1000, runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n  containers:\n    - name: a\n      image: x\n      securityContext: {runAsUser: 2000}\n    - name: b\n      image: x\n',
    });
    const [a, b] = m.workloads[0]!.containers;
    expect(a!.effective.runAsUser?.value).toBe(2000);
    expect(a!.effective.runAsNonRoot?.value).toBe(true);
    expect(b!.effective.runAsUser?.value).toBe(1000);
    expect(b!.effective.seccompType?.value).toBe('RuntimeDefault');
    expect(b!.own.runAsUser).toBeUndefined();
  });
});

describe('audit k8s on the fixtures', () => {
  const targets = auditManifests([`${FIX}/app`], { cwd });

  it('the hardened Deployment gives no finding (its ServiceAccount turns the token off)', () => {
    expect(ids(targets, '#Deployment/shop/web')).toEqual([]);
  });

  it('the node agent: host namespaces, hostPath, sysctls, hostPort, escalation, procMount, the socket, apparmor annotation', () => {
    const got = ids(targets, '#DaemonSet/kube-system/log-agent');
    for (const id of ['CT001', 'CT002', 'CT004', 'CT005', 'CT006', 'CT007', 'CT017', 'KS001', 'KS002', 'KS003', 'KS004', 'KS005', 'KS006', 'KS007']) expect(got, id).toContain(id);
    // the safe sysctl is not reported
    const sysctls = targets.find((t) => t.name.endsWith('log-agent'))!.findings.filter((f) => f.ruleId === 'KS005');
    expect(sysctls.map((f) => f.message)).toEqual(['DaemonSet log-agent sets unsafe sysctl kernel.msgmax=65536']);
  });

  it('CronJob: a literal token in env is found and redacted; valueFrom is not read; a Job needs no probe', () => {
    const t = targets.find((x) => x.name.endsWith('#CronJob/shop/nightly-report'))!;
    const secret = t.findings.filter((f) => f.ruleId === 'CT024');
    expect(secret).toHaveLength(1);
    expect(secret[0]!.evidence).not.toContain('ghp_4f3a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f');
    expect(secret[0]!.location).toMatchObject({ path: `${FIX}/app/jobs.yaml`, line: 20 });
    expect(t.findings.map((f) => f.ruleId)).not.toContain('CT029');
  });

  it('a Pod: root by runAsUser 0, Unconfined seccomp, an ephemeral container with SYS_PTRACE', () => {
    const t = targets.find((x) => x.name.endsWith('#Pod/shop/debug-shell'))!;
    const at = (id: string) => t.findings.filter((f) => f.ruleId === id).map((f) => f.location?.line);
    expect(at('CT019')).toEqual([35]);
    expect(at('CT016')).toEqual([36]);
    expect(at('CT002')).toEqual([30]);
  });

  it('findings of two containers with the same rule have different fingerprints', () => {
    const t = targets.find((x) => x.name.endsWith('log-agent'))!;
    const ct020 = t.findings.filter((f) => f.ruleId === 'CT020');
    expect(ct020).toHaveLength(2);
    expect(new Set(ct020.map((f) => f.fingerprint)).size).toBe(2);
  });
});

describe('bad input: one line with file and line, never a crash', () => {
  const cases: Array<[string, RegExp]> = [
    ['bad-yaml.yaml', /^invalid YAML: /],
    ['wrong-type.yaml', /hostNetwork must be true or false, not "yes please"/],
    ['unknown-kind.yaml', /^unknown kind Deploymnet in apps\/v1$/],
    ['no-containers.yaml', /spec.containers is missing or empty/],
    ['not-k8s.yaml', /^not a Kubernetes object/],
    ['alias-bomb.yaml', /too many aliases|expands to more than/],
  ];
  it.each(cases)('%s', (file, want) => {
    const targets = auditManifests([`${FIX}/bad/${file}`], { cwd });
    expect(targets).toHaveLength(1);
    const e = targets[0]!.errors[0]!;
    expect(e.message).toMatch(want);
    expect(e.message).not.toContain('\n');
    expect(e.location?.path).toBe(`${FIX}/bad/${file}`);
    if (file !== 'alias-bomb.yaml') expect(e.location?.line).toBeGreaterThan(0);
  });
  it('a 5 MB manifest is refused before it is parsed', () => {
    const big = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n${'  k: "' + 'x'.repeat(100) + '"\n'.repeat(1)}`.padEnd(5 * 1024 * 1024, '#');
    const targets = auditManifests(['-'], { cwd, stdin: big });
    expect(targets[0]!.errors[0]!.message).toBe('file is over 4 MiB');
  });
  it('a file that does not exist', () => {
    expect(auditManifests(['nope.yaml'], { cwd })[0]!.errors[0]!.message).toBe('cannot read (ENOENT)');
  });
});

describe('directory search', () => {
  it('YAML that is not Kubernetes (a CI config, a compose file) found in a directory is skipped; named, it is an error', async () => {
    const { mkdtempSync, writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'k8s-dir-'));
    mkdirSync(join(dir, 'ci'));
    writeFileSync(join(dir, 'ci', 'workflow.yml'), 'on: push\njobs: {}\n');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  a: { image: x }\n');
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n');
    const t = auditManifests([dir], { cwd: dir });
    expect(t.map((x) => x.name)).toEqual(['pod.yaml#Pod/default/p']);
    expect(auditManifests(['compose.yaml'], { cwd: dir })[0]!.errors[0]!.message).toMatch(/^not a Kubernetes object/);
  });
});

describe('one setting, one finding: a Kubernetes rule supersedes the container rule on the same line', () => {
  const pod = (sc: string, port: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: a\n      image: x\n      ports:\n        - ${port}\n      securityContext:\n        runAsUser: 1000\n        readOnlyRootFilesystem: true\n        capabilities: {drop: [ALL]}\n${sc}      resources: {limits: {memory: 64Mi, cpu: 500m}}\n`;
  const found = (stdin: string) => auditManifests(['-'], { cwd, stdin }).flatMap((t) => t.findings.map((f) => `${f.ruleId}:${f.location?.line}`));

  it('allowPrivilegeEscalation: true is KS003 only; unset is CT018 only', () => {
    const explicit = found(pod('        allowPrivilegeEscalation: true\n', '{containerPort: 80}'));
    expect(explicit).toContain('KS003:14');
    expect(explicit.filter((f) => f.startsWith('CT018'))).toEqual([]);
    const unset = found(pod('', '{containerPort: 80}'));
    expect(unset.filter((f) => /^(KS003|CT018)/.test(f))).toEqual(['CT018:10']);
  });

  it('a hostPort without hostIP is KS006 only', () => {
    const got = found(pod('        allowPrivilegeEscalation: false\n', '{containerPort: 80, hostPort: 8080}'));
    expect(got).toContain('KS006:9');
    expect(got.filter((f) => f.startsWith('CT022'))).toEqual([]);
  });
});
