/**
 * A morning `audit host` report of a Debian 12 host with 16 containers, built from the report
 * model the way the host audit builds it (buildReport over host + container targets, real rule
 * metadata, the ids of the rules that ran). Messages are those `bulkhead audit container`
 * printed for containers created with these settings on the test engine (docker 20.10.24).
 * Targets are in the engine's list order, which puts the clean hardened container first and
 * the privileged one and the socket-mounter last: the order an operator must not have to read.
 */
import { buildReport, fingerprint } from '../../../src/audit/report/build.js';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';
import { containerRules } from '../../../src/audit/rules/container/index.js';
import { hostRules } from '../../../src/audit/rules/host/index.js';
import type { Finding, Location, Report, Severity, TargetResult } from '../../../src/audit/model.js';

const HOST = 'unix:///var/run/docker.sock';

function finding(kind: 'host' | 'container', target: string, ruleId: string, severity: Severity, message: string, key?: string, location?: Location): Finding {
  return { ruleId, severity, message, fingerprint: fingerprint(ruleId, kind, target, key ?? location?.path), ...(location ? { location } : {}) };
}

/** What an unconfigured `docker run -d IMAGE` gets: the baseline rules that fire on every such container. */
const BASELINE: ReadonlyArray<[string, Severity, (name: string) => string]> = [
  ['CT003', 'medium', (n) => `container ${n} keeps the default capability set; no --cap-drop ALL`],
  ['CT013', 'medium', (n) => `container ${n} has no memory limit`],
  ['CT014', 'low', (n) => `container ${n} has no CPU limit or share`],
  ['CT015', 'medium', (n) => `container ${n} has no PIDs limit`],
  ['CT018', 'medium', (n) => `container ${n} does not set no-new-privileges`],
  ['CT019', 'medium', (n) => `container ${n} runs as root (no user set)`],
  ['CT020', 'low', (n) => `container ${n} has a writable root filesystem`],
  ['CT029', 'info', (n) => `container ${n} has no health check`],
  ['CT030', 'low', (n) => `container ${n} is on the default bridge network`],
];

function container(name: string, extra: Finding[], baseline: readonly string[] = BASELINE.map(([id]) => id)): TargetResult {
  const findings = [...extra, ...BASELINE.filter(([id]) => baseline.includes(id)).map(([id, sev, msg]) => finding('container', name, id, sev, msg(name)))];
  return {
    kind: 'container',
    name,
    findings,
    errors: [],
    properties: { id: fingerprint(name).slice(0, 12), image: 'bulkhead-test/busybox:1', status: 'running' },
    evaluated: containerRules.map((r) => r.meta.id),
  };
}

function hostTarget(): TargetResult {
  const h = (ruleId: string, severity: Severity, message: string, key?: string) => finding('host', HOST, ruleId, severity, message, key);
  return {
    kind: 'host',
    name: HOST,
    findings: [
      h('HS001', 'high', 'runc 1.1.5+ds1 is affected by CVE-2024-21626: "Leaky Vessels": a leaked host file descriptor lets an image or exec working directory escape to the host filesystem; fixed in runc 1.1.12', 'CVE-2024-21626'),
      h('HS001', 'medium', 'Docker Engine 20.10.24+dfsg1 is affected by CVE-2024-24557: the classic builder cache can be poisoned by an image built FROM a crafted base; fixed in Docker 24.0.9, 25.0.2', 'CVE-2024-24557'),
      h('HS002', 'medium', `engine ${HOST} does not remap user namespaces: container root is host root`),
      h('HS003', 'medium', `engine ${HOST} allows inter-container communication on the default bridge (icc not false)`),
      h('HS006', 'medium', `engine ${HOST} logs with json-file and no max-size: container logs grow without bound`),
      h('HS015', 'info', `engine ${HOST} runs on cgroup v1`),
      h('HS017', 'low', 'image bulkhead-test/busybox:1 runs as root (no non-root USER)', 'bulkhead-test/busybox:1'),
      h('HS022', 'low', 'auditd is not configured (no /etc/audit): no engine file is audited'),
    ],
    errors: [],
    properties: { engine: '20.10.24+dfsg1', api: '1.41', runc: '1.1.5+ds1', os: 'Debian GNU/Linux 12 (bookworm)', cgroup: 'v1', containers: 16 },
    evaluated: hostRules.map((r) => r.meta.id),
  };
}

export const FLEET_CONTAINERS = 16;

/** host + 16 containers: 1 hardened, 11 baseline-only, host network, host PID, privileged, socket mount. */
export function fleetReport(): Report {
  const all = BASELINE.map(([id]) => id);
  const targets: TargetResult[] = [
    hostTarget(),
    container('report-hardened', [], ['CT030']),
    ...Array.from({ length: 11 }, (_, i) => container(`report-base-${i + 1}`, [])),
    container('report-hostnet', [finding('container', 'report-hostnet', 'CT007', 'high', "container report-hostnet shares the host's network namespace")]),
    container('report-hostpid', [finding('container', 'report-hostpid', 'CT006', 'high', "container report-hostpid shares the host's PID namespace")]),
    container('report-priv', [finding('container', 'report-priv', 'CT001', 'critical', 'container report-priv runs with --privileged: full host access')], all.filter((id) => id !== 'CT003')),
    container('report-sock', [
      finding('container', 'report-sock', 'CT004', 'critical', 'container report-sock mounts the engine socket /var/run/docker.sock at /var/run/docker.sock', undefined, { path: '/var/run/docker.sock' }),
    ]),
  ];
  return buildReport('audit host', targets, ALL_RULES, new Date('2026-12-04T06:00:00Z'));
}
