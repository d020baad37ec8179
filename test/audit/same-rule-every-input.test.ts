import { describe, expect, it } from 'vitest';
import { containerFactsFromInspect } from '../../src/audit/container/normalize.js';
import type { ContainerFacts } from '../../src/audit/container/facts.js';
import type { ContainerInspect } from '../../src/engine/client.js';
import { runRules } from '../../src/audit/container/run-rules.js';
import { declaredLocation } from '../../src/audit/container/declared-location.js';
import { containerRules } from '../../src/audit/rules/container/index.js';
import { fromComposeService } from '../../src/audit/compose/facts.js';
import { fromPodSpec } from '../../src/audit/k8s/facts.js';
import { readPodSpec } from '../../src/audit/k8s/pod.js';
import { parseYamlDocuments, type YMap } from '../../src/audit/yaml/located.js';

/**
 * One question, one rule, many inputs: the same setting gives the same finding whether it is
 * read from an engine's inspect output, a compose service or a pod spec. Each row is the
 * setting written three ways; the finding must fire from all three, at the line of the field
 * for the two files, and not fire from the hardened baseline of each input.
 */
const ENGINE = { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' };

// hardened baselines: nothing in the table fires on them
const INSPECT_BASE = {
  Id: 'c0ffee',
  Name: '/app',
  Image: 'sha256:1',
  State: { Running: true },
  Config: { Image: 'app:1', User: '65534:65534', Env: [], Labels: {}, Healthcheck: { Test: ['CMD', 'true'] } },
  HostConfig: { CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges:true'], ReadonlyRootfs: true, Memory: 67108864, NanoCpus: 5e8, PidsLimit: 64, NetworkMode: 'app' },
  Mounts: [],
} as unknown as ContainerInspect;

const COMPOSE_BASE = `services:
  app:
    image: app:1
    user: "65534:65534"
    cap_drop: [ALL]
    security_opt: ["no-new-privileges:true"]
    read_only: true
    mem_limit: 64m
    cpus: 0.5
    pids_limit: 64
`;

const POD_BASE = `spec:
  containers:
    - name: app
      image: app:1
      securityContext:
        runAsUser: 65534
        capabilities: { drop: [ALL] }
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
      resources:
        limits: { memory: 64Mi, cpu: 500m }
`;

interface Row {
  setting: string;
  rule: string;
  inspect: { HostConfig?: Record<string, unknown>; Config?: Record<string, unknown>; Mounts?: unknown[] };
  /** lines added to the compose service (4-space indented) */
  compose: string;
  /** the text replaced in the compose baseline, when the setting changes a baseline line */
  composeReplace?: [string, string];
  /** pod spec change: text replacements on POD_BASE */
  pod: Array<[string, string]>;
  /** the YAML key whose line the finding must point at */
  composeKey: string;
  podKey: string;
}

const rows: Row[] = [
  { setting: 'privileged', rule: 'CT001', inspect: { HostConfig: { Privileged: true } }, compose: '    privileged: true\n', pod: [['readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: true\n        privileged: true']], composeKey: 'privileged', podKey: 'privileged' },
  {
    setting: 'engine socket mounted',
    rule: 'CT004',
    inspect: { Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Destination: '/var/run/docker.sock', RW: true }] },
    compose: '    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n',
    pod: [
      ['      resources:', '      volumeMounts:\n        - { name: sock, mountPath: /var/run/docker.sock }\n      resources:'],
      ['spec:\n', 'spec:\n  volumes:\n    - name: sock\n      hostPath: { path: /var/run/docker.sock }\n'],
    ],
    composeKey: '- /var/run/docker.sock',
    podKey: '- { name: sock',
  },
  {
    setting: 'host path / mounted',
    rule: 'CT005',
    inspect: { Mounts: [{ Type: 'bind', Source: '/', Destination: '/host', RW: true }] },
    compose: '    volumes:\n      - /:/host\n',
    pod: [
      ['      resources:', '      volumeMounts:\n        - { name: root, mountPath: /host }\n      resources:'],
      ['spec:\n', 'spec:\n  volumes:\n    - name: root\n      hostPath: { path: / }\n'],
    ],
    composeKey: '- /:/host',
    podKey: '- { name: root',
  },
  { setting: 'host PID namespace', rule: 'CT006', inspect: { HostConfig: { PidMode: 'host' } }, compose: '    pid: host\n', pod: [['spec:\n', 'spec:\n  hostPID: true\n']], composeKey: 'pid:', podKey: 'hostPID' },
  { setting: 'host network namespace', rule: 'CT007', inspect: { HostConfig: { NetworkMode: 'host' } }, compose: '    network_mode: host\n', pod: [['spec:\n', 'spec:\n  hostNetwork: true\n']], composeKey: 'network_mode', podKey: 'hostNetwork' },
  { setting: 'host IPC namespace', rule: 'CT008', inspect: { HostConfig: { IpcMode: 'host' } }, compose: '    ipc: host\n', pod: [['spec:\n', 'spec:\n  hostIPC: true\n']], composeKey: 'ipc', podKey: 'hostIPC' },
  {
    setting: 'cap_add SYS_ADMIN',
    rule: 'CT002',
    inspect: { HostConfig: { CapAdd: ['SYS_ADMIN'] } },
    compose: '    cap_add:\n      - SYS_ADMIN\n',
    pod: [['drop: [ALL] }', 'drop: [ALL], add: [SYS_ADMIN] }']],
    composeKey: '- SYS_ADMIN',
    podKey: 'capabilities',
  },
  {
    setting: 'seccomp unconfined',
    rule: 'CT016',
    inspect: { HostConfig: { SecurityOpt: ['no-new-privileges:true', 'seccomp=unconfined'] } },
    compose: '',
    composeReplace: ['security_opt: ["no-new-privileges:true"]', 'security_opt: ["no-new-privileges:true", "seccomp=unconfined"]'],
    pod: [['readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: true\n        seccompProfile: { type: Unconfined }']],
    composeKey: 'security_opt',
    podKey: 'seccompProfile',
  },
  {
    setting: 'root user',
    rule: 'CT019',
    inspect: { Config: { User: 'root' } },
    compose: '',
    composeReplace: ['user: "65534:65534"', 'user: root'],
    pod: [['runAsUser: 65534', 'runAsUser: 0']],
    composeKey: 'user',
    podKey: 'runAsUser',
  },
  {
    setting: 'no memory limit',
    rule: 'CT013',
    inspect: { HostConfig: { Memory: 0 } },
    compose: '',
    composeReplace: ['    mem_limit: 64m\n', ''],
    pod: [['memory: 64Mi, ', '']],
    composeKey: 'app:',
    podKey: 'resources',
  },
  {
    setting: 'writable root filesystem',
    rule: 'CT020',
    inspect: { HostConfig: { ReadonlyRootfs: false } },
    compose: '',
    composeReplace: ['read_only: true', 'read_only: false'],
    pod: [['readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false']],
    composeKey: 'read_only',
    podKey: 'readOnlyRootFilesystem',
  },
  {
    setting: 'no no-new-privileges',
    rule: 'CT018',
    inspect: { HostConfig: { SecurityOpt: [] } },
    compose: '',
    composeReplace: ['    security_opt: ["no-new-privileges:true"]\n', ''],
    pod: [['allowPrivilegeEscalation: false', 'allowPrivilegeEscalation: true']],
    composeKey: 'app:',
    podKey: 'allowPrivilegeEscalation',
  },
];

function inspectFacts(row?: Row): ContainerFacts {
  const b = INSPECT_BASE as unknown as { HostConfig: object; Config: object; Mounts: unknown[] };
  const i = { ...b, HostConfig: { ...b.HostConfig, ...row?.inspect.HostConfig }, Config: { ...b.Config, ...row?.inspect.Config }, Mounts: row?.inspect.Mounts ?? b.Mounts };
  return containerFactsFromInspect(i as unknown as ContainerInspect, ENGINE);
}

function composeText(row?: Row): string {
  let text = COMPOSE_BASE;
  if (row?.composeReplace) text = text.replace(row.composeReplace[0], row.composeReplace[1]);
  return text + (row?.compose ?? '');
}

function composeFacts(text: string): ContainerFacts {
  const root = parseYamlDocuments(text, 'compose.yaml')[0] as YMap;
  const services = root.entries.get('services')!.value as YMap;
  const e = services.entries.get('app')!;
  return fromComposeService('app', e.value as YMap, { project: 'p', dir: '/srv/p', keyLoc: e.keyLoc });
}

function podText(row?: Row): string {
  let text = POD_BASE;
  for (const [a, b] of row?.pod ?? []) {
    expect(text.includes(a), `pod replacement "${a}"`).toBe(true);
    text = text.replace(a, b);
  }
  return text;
}

function podFacts(text: string): ContainerFacts {
  const root = parseYamlDocuments(text, 'pod.yaml')[0] as YMap;
  const pod = readPodSpec(root.entries.get('spec')!.value as YMap, 'spec', { kind: 'Pod', name: 'app', namespace: 'default', file: 'pod.yaml', loc: {} }, undefined);
  return fromPodSpec(pod, pod.containers[0]!);
}

function findings(facts: ContainerFacts, rule: string) {
  return runRules(containerRules, facts, { kind: 'container', name: 'app' }, (id, d) => declaredLocation(facts.sources, id, d)).filter((f) => f.ruleId === rule);
}

function lineOf(text: string, key: string): number {
  const i = text.split('\n').findIndex((l) => l.trimStart().startsWith(key));
  expect(i, `"${key}" in the YAML`).toBeGreaterThanOrEqual(0);
  return i + 1;
}

describe('the same setting gives the same finding from inspect, compose and a pod spec', () => {
  it('the hardened baselines give none of the table findings', () => {
    const ids = new Set(rows.map((r) => r.rule));
    for (const facts of [inspectFacts(), composeFacts(composeText()), podFacts(podText())]) {
      const fired = runRules(containerRules, facts, { kind: 'container', name: 'app' }).filter((f) => ids.has(f.ruleId));
      expect(fired.map((f) => f.ruleId)).toEqual([]);
    }
  });

  it.each(rows)('$setting -> $rule', (row) => {
    expect(findings(inspectFacts(row), row.rule)).toHaveLength(1);
    const ctext = composeText(row);
    const cf = findings(composeFacts(ctext), row.rule);
    expect(cf).toHaveLength(1);
    expect(cf[0]!.location).toMatchObject({ path: 'compose.yaml', line: lineOf(ctext, row.composeKey) });
    const ptext = podText(row);
    const pf = findings(podFacts(ptext), row.rule);
    expect(pf).toHaveLength(1);
    expect(pf[0]!.location).toMatchObject({ path: 'pod.yaml', line: lineOf(ptext, row.podKey) });
    // the severity is the rule's answer, whatever the input
    expect(new Set([findings(inspectFacts(row), row.rule)[0]!.severity, cf[0]!.severity, pf[0]!.severity]).size).toBe(1);
  });
});

describe('what a file cannot know stays unknown', () => {
  it('a compose service without user: the uid is the image\'s to say, a low CT019 as for a create request', () => {
    const facts = composeFacts(COMPOSE_BASE.replace('    user: "65534:65534"\n', ''));
    expect(facts.userUidUnknown).toBe(true);
    const f = findings(facts, 'CT019');
    expect(f.map((x) => x.severity)).toEqual(['low']);
    expect(f[0]!.message).toContain("sets no user: it runs as the image's USER");
  });
  it('a pod without runAsUser: CT019 silent (KS007 covers it), and no engine is assumed', () => {
    const facts = podFacts(POD_BASE.replace('        runAsUser: 65534\n', ''));
    expect(findings(facts, 'CT019')).toEqual([]);
    expect(findings(facts, 'CT016')).toEqual([]);
  });
  it('a compose service without healthcheck keeps its image HEALTHCHECK: CT029 silent; with one disabled it fires', () => {
    expect(findings(composeFacts(COMPOSE_BASE), 'CT029')).toEqual([]);
    expect(findings(composeFacts(`${COMPOSE_BASE}    healthcheck:\n      disable: true\n`), 'CT029')).toHaveLength(1);
  });
  it('a pod: the engine restart loop and per-container pids limit do not apply (CT021, CT015 silent); no probe is CT029', () => {
    const facts = podFacts(POD_BASE);
    expect(facts.unknown).toEqual(expect.arrayContaining(['restart', 'pidsLimit']));
    expect(findings(facts, 'CT015')).toEqual([]);
    expect(findings(facts, 'CT021')).toEqual([]);
    expect(findings(facts, 'CT029')).toHaveLength(1);
  });
  it('inspect output has nothing unknown', () => {
    expect(inspectFacts().unknown).toBeUndefined();
  });
});
