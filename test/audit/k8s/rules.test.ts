import { describe, expect, it } from 'vitest';
import { kubernetesRules } from '../../../src/audit/rules/kubernetes/index.js';
import { loadManifests } from '../../../src/audit/k8s/load.js';
import type { PodFacts } from '../../../src/audit/k8s/pod.js';
import { checkPss, PSS_CHECKS } from '../../../src/audit/k8s/pss.js';
import { PSS_CONTROLS, type PssLevel } from '../../../src/audit/k8s/pss-controls.js';

/** A pod that passes every Kubernetes rule and PSS restricted; cases change one thing. */
const HARDENED = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    seccompProfile: { type: RuntimeDefault }
  containers:
    - name: app
      image: app:1
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
      volumeMounts:
        - { name: cache, mountPath: /cache }
  volumes:
    - name: cache
      emptyDir: {}
`;

function pod(edit: (t: string) => string = (t) => t): PodFacts {
  const text = edit(HARDENED);
  const m = loadManifests(['-'], { cwd: '/', stdin: text });
  expect(m.errors.map((e) => e.message)).toEqual([]);
  return m.workloads[0]!;
}

const add = (after: string, lines: string) => (t: string) => {
  expect(t.includes(after), after).toBe(true);
  return t.replace(after, `${after}\n${lines}`);
};
const replace = (a: string, b: string) => (t: string) => {
  expect(t.includes(a), a).toBe(true);
  return t.replace(a, b);
};

type Case = [id: string, name: string, edit: ((t: string) => string) | undefined, count: number, severity?: string];

const cases: Case[] = [
  ['KS001', 'hostPath volume', add('  volumes:', '    - name: data\n      hostPath: { path: /srv/data }'), 1, 'medium'],
  ['KS001', 'hostPath of /etc is high', add('  volumes:', '    - name: etc\n      hostPath: { path: /etc }'), 1, 'high'],
  ['KS001', 'emptyDir only', undefined, 0],
  ['KS002', 'token automount not turned off', replace('  automountServiceAccountToken: false\n', ''), 1, 'low'],
  ['KS002', 'automountServiceAccountToken: true', replace('automountServiceAccountToken: false', 'automountServiceAccountToken: true'), 1],
  ['KS002', 'off on the pod', undefined, 0],
  ['KS003', 'allowPrivilegeEscalation: true', replace('allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true'), 1],
  ['KS003', 'unset (CT018 reports that)', replace('        allowPrivilegeEscalation: false\n', ''), 0],
  ['KS003', 'false', undefined, 0],
  ['KS004', 'procMount Unmasked', add('        readOnlyRootFilesystem: true', '        procMount: Unmasked'), 1, 'high'],
  ['KS004', 'procMount Unmasked in a user namespace', (t) => add('        readOnlyRootFilesystem: true', '        procMount: Unmasked')(add('  automountServiceAccountToken: false', '  hostUsers: false')(t)), 1, 'low'],
  ['KS004', 'procMount Default', add('        readOnlyRootFilesystem: true', '        procMount: Default'), 0],
  ['KS005', 'kernel.msgmax', add('    seccompProfile: { type: RuntimeDefault }', '    sysctls: [{ name: kernel.msgmax, value: "65536" }]'), 1],
  ['KS005', 'safe sysctls only', add('    seccompProfile: { type: RuntimeDefault }', '    sysctls: [{ name: net.ipv4.ip_local_port_range, value: "1024 65535" }, { name: net.ipv4.tcp_syncookies, value: "1" }]'), 0],
  ['KS006', 'hostPort', add('      image: app:1', '      ports: [{ containerPort: 8080, hostPort: 80 }]'), 1],
  ['KS006', 'hostPort 0 is no host port', add('      image: app:1', '      ports: [{ containerPort: 8080, hostPort: 0 }]'), 0],
  ['KS006', 'containerPort only', add('      image: app:1', '      ports: [{ containerPort: 8080 }]'), 0],
  ['KS007', 'neither runAsNonRoot nor runAsUser', replace('    runAsNonRoot: true\n    runAsUser: 10001\n', ''), 1],
  ['KS007', 'runAsUser only (not root)', replace('    runAsNonRoot: true\n', ''), 0],
  ['KS007', 'runAsNonRoot only', replace('    runAsUser: 10001\n', ''), 0],
  ['KS007', 'container sets runAsNonRoot: false over the pod', (t) => add('        readOnlyRootFilesystem: true', '        runAsNonRoot: false')(replace('    runAsUser: 10001\n', '')(t)), 1],
  ['KS008', 'no seccomp profile anywhere', replace('    seccompProfile: { type: RuntimeDefault }\n', ''), 1, 'low'],
  ['KS008', 'RuntimeDefault on the pod', undefined, 0],
  ['KS008', 'Localhost on the container only', (t) => add('        readOnlyRootFilesystem: true', '        seccompProfile: { type: Localhost, localhostProfile: p.json }')(replace('    seccompProfile: { type: RuntimeDefault }\n', '')(t)), 0],
  ['KS009', 'no --pss level asked: silent even on a privileged pod', add('        readOnlyRootFilesystem: true', '        privileged: true'), 0],
];

describe('Kubernetes rules fire and do not fire', () => {
  it.each(cases)('%s %s', (id, _name, edit, count, severity) => {
    const rule = kubernetesRules.find((r) => r.meta.id === id)!;
    const got = rule.check(pod(edit));
    expect(got).toHaveLength(count);
    if (severity) expect(got[0]!.severity ?? rule.meta.severity).toBe(severity);
    for (const d of got) expect(d.location?.line).toBeGreaterThan(0);
  });
  it('every rule has cases that fire and cases that do not', () => {
    for (const r of kubernetesRules) {
      const mine = cases.filter((c) => c[0] === r.meta.id);
      if (r.meta.id === 'KS009') continue; // its fire cases are the PSS table below
      expect(mine.some((c) => c[3] > 0), r.meta.id).toBe(true);
      expect(mine.some((c) => c[3] === 0), r.meta.id).toBe(true);
    }
  });
  it('a ServiceAccount among the inputs that turns the token off is honoured', () => {
    const m = loadManifests(['-'], {
      cwd: '/',
      stdin: `apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: sa }\nautomountServiceAccountToken: false\n---\n${HARDENED.replace('  automountServiceAccountToken: false\n', '  serviceAccountName: sa\n')}`,
    });
    expect(kubernetesRules.find((r) => r.meta.id === 'KS002')!.check(m.workloads[0]!)).toEqual([]);
  });
});

/** [control, level that reports it, edit] -- one violating case per PSS control. */
const pssCases: Array<[string, PssLevel, (t: string) => string, string]> = [
  ['HostProcess', 'baseline', add('        readOnlyRootFilesystem: true', '        windowsOptions: { hostProcess: true }'), 'spec.containers[0].securityContext.windowsOptions.hostProcess'],
  ['Host Namespaces', 'baseline', add('  automountServiceAccountToken: false', '  hostNetwork: true'), 'spec.hostNetwork'],
  ['Privileged Containers', 'baseline', add('        readOnlyRootFilesystem: true', '        privileged: true'), 'spec.containers[0].securityContext.privileged'],
  ['Capabilities', 'baseline', replace('drop: [ALL] }', 'drop: [ALL], add: [NET_ADMIN] }'), 'spec.containers[0].securityContext.capabilities.add[0]'],
  ['HostPath Volumes', 'baseline', add('  volumes:', '    - name: h\n      hostPath: { path: /srv }'), 'spec.volumes[0].hostPath'],
  ['Host Ports', 'baseline', add('      image: app:1', '      ports: [{ containerPort: 80, hostPort: 80 }]'), 'spec.containers[0].ports[0].hostPort'],
  ['AppArmor', 'baseline', add('        readOnlyRootFilesystem: true', '        appArmorProfile: { type: Unconfined }'), 'spec.containers[0].securityContext.appArmorProfile.type'],
  ['SELinux', 'baseline', add('    runAsUser: 10001', '    seLinuxOptions: { type: spc_t }'), 'spec.securityContext.seLinuxOptions.type'],
  ['/proc Mount Type', 'baseline', add('        readOnlyRootFilesystem: true', '        procMount: Unmasked'), 'spec.containers[0].securityContext.procMount'],
  ['Seccomp', 'baseline', replace('seccompProfile: { type: RuntimeDefault }', 'seccompProfile: { type: Unconfined }'), 'spec.securityContext.seccompProfile.type'],
  ['Sysctls', 'baseline', add('    runAsUser: 10001', '    sysctls: [{ name: kernel.msgmax, value: "1" }]'), 'spec.securityContext.sysctls[0].name'],
  ['Volume Types', 'restricted', add('  volumes:', '    - name: n\n      nfs: { server: nfs, path: / }'), 'spec.volumes[0].nfs'],
  ['Privilege Escalation (v1.8+)', 'restricted', replace('        allowPrivilegeEscalation: false\n', ''), 'spec.containers[0].securityContext.allowPrivilegeEscalation'],
  ['Running as Non-root', 'restricted', replace('    runAsNonRoot: true\n', ''), 'spec.containers[0].securityContext.runAsNonRoot'],
  ['Running as Non-root user (v1.23+)', 'restricted', replace('runAsUser: 10001', 'runAsUser: 0'), 'spec.securityContext.runAsUser'],
  ['Seccomp (v1.19+)', 'restricted', replace('    seccompProfile: { type: RuntimeDefault }\n', ''), 'spec.containers[0].securityContext.seccompProfile.type'],
  ['Capabilities (v1.22+)', 'restricted', replace('capabilities: { drop: [ALL] }', 'capabilities: { drop: [NET_RAW], add: [CHOWN] }'), 'spec.containers[0].securityContext.capabilities.drop'],
];

describe('Pod Security Standards (upstream controls as data)', () => {
  it('every control of the data has a check, and every check a control', () => {
    expect(Object.keys(PSS_CHECKS).sort()).toEqual(PSS_CONTROLS.map((c) => c.name).sort());
  });
  it('the hardened pod passes restricted (and so baseline)', () => {
    expect(checkPss(pod(), 'restricted')).toEqual([]);
    expect(checkPss(pod(), 'baseline')).toEqual([]);
  });
  it('every control has a violating case in this table', () => {
    expect(pssCases.map((c) => c[0]).sort()).toEqual(PSS_CONTROLS.map((c) => c.name).sort());
  });
  it.each(pssCases)('%s (%s)', (control, level, edit, field) => {
    const v = checkPss(pod(edit), 'restricted').filter((x) => x.control.name === control);
    expect(v.map((x) => x.field)).toContain(field);
    for (const x of v) expect(x.loc.line).toBeGreaterThan(0);
    // baseline reports its own controls only
    expect(checkPss(pod(edit), 'baseline').some((x) => x.control.name === control)).toBe(level === 'baseline');
  });
  it('KS009 reports each violation with the allowed values, medium for restricted-only controls', () => {
    const rule = kubernetesRules.find((r) => r.meta.id === 'KS009')!;
    const got = rule.check({ ...pod(replace('        allowPrivilegeEscalation: false\n', '')), pss: 'restricted' });
    expect(got.map((d) => d.message)).toEqual(['Pod p violates PSS restricted "Privilege Escalation (v1.8+)": spec.containers[0].securityContext.allowPrivilegeEscalation is unset (allowed: false)']);
    expect(got[0]!.severity).toBe('medium');
    expect(rule.check({ ...pod(add('  automountServiceAccountToken: false', '  hostPID: true')), pss: 'baseline' })[0]!.severity).toBeUndefined();
  });
});
