import { describe, expect, it } from 'vitest';
import { containerRules } from '../../../src/audit/rules/container/index.js';
import type { ContainerFacts, ContainerMount } from '../../../src/audit/container/facts.js';
import type { Rule } from '../../../src/audit/rules/rule.js';
import { checkedRuleIds } from '../../../src/audit/rules/rule.js';
import { hardenedFacts } from './facts-fixture.js';
import { DOCKER_MASKED_PATHS as DEFAULT_MASKED, DOCKER_READONLY_PATHS as DEFAULT_READONLY } from '../../../src/audit/container/data/docker-proc-paths.js';

function rule(id: string): Rule<ContainerFacts> {
  const r = containerRules.find((x) => x.meta.id === id);
  if (!r) throw new Error(`no rule ${id}`);
  return r;
}

function bind(source: string, destination: string, rw = true, propagation = 'rprivate'): ContainerMount {
  return { type: 'bind', source, destination, rw, propagation };
}

const base = hardenedFacts();
const res = base.resources;

/** [rule id, case, facts override, expected number of findings, expected severity of the first] */
type Case = [string, string, Partial<ContainerFacts>, number, string?];

const cases: Case[] = [
  ['CT001', 'privileged container', { privileged: true }, 1, 'critical'],
  ['CT001', 'unprivileged container', {}, 0],
  ['CT002', 'SYS_ADMIN added', { capAdd: ['SYS_ADMIN'] }, 1, 'critical'],
  ['CT002', 'SYS_PTRACE and NET_ADMIN added', { capAdd: ['SYS_PTRACE', 'NET_ADMIN'] }, 2, 'high'],
  ['CT002', 'NET_BIND_SERVICE added (harmless)', { capAdd: ['NET_BIND_SERVICE'] }, 0],
  ['CT002', 'privileged: reported by CT001 only', { privileged: true, capAdd: ['SYS_ADMIN'] }, 0],
  ['CT003', 'default capability set kept', { capDrop: [] }, 1],
  ['CT003', 'only NET_RAW dropped', { capDrop: ['NET_RAW'] }, 1],
  ['CT003', 'ALL dropped', {}, 0],
  ['CT004', 'docker.sock mounted', { mounts: [bind('/var/run/docker.sock', '/var/run/docker.sock')] }, 1, 'critical'],
  ['CT004', 'docker.sock mounted read-only', { mounts: [bind('/var/run/docker.sock', '/sock', false)] }, 1, 'critical'],
  ['CT004', 'containerd.sock mounted', { mounts: [bind('/run/containerd/containerd.sock', '/c.sock')] }, 1],
  ['CT004', 'podman socket elsewhere', { mounts: [bind('/home/u/podman.sock', '/p.sock')] }, 1],
  // a compose file, pod spec or create request carries the path as typed: the rule reads it as the kernel resolves it
  ['CT004', 'docker.sock spelled with .. and //', { mounts: [bind('/var/lib/../run//docker.sock', '/s')] }, 1, 'critical'],
  ['CT004', '/var/run spelled /var/./run/', { mounts: [bind('/var/./run/', '/r')] }, 1],
  ['CT004', 'any *.sock from /run', { mounts: [bind('/run/user/1000/foo.sock', '/x.sock')] }, 1],
  ['CT004', '/var/run directory mounted', { mounts: [bind('/var/run', '/hostrun')] }, 1],
  ['CT004', 'ordinary data directory', { mounts: [bind('/srv/data', '/data')] }, 0],
  ['CT004', 'a volume', { mounts: [{ type: 'volume', source: '/var/lib/docker/volumes/x/_data', destination: '/x', rw: true, propagation: '' }] }, 0],
  ['CT005', '/ mounted read-write', { mounts: [bind('/', '/host')] }, 1, 'critical'],
  ['CT005', '/etc mounted read-only', { mounts: [bind('/etc', '/host-etc', false)] }, 1, 'medium'],
  ['CT005', '/etc/shadow mounted read-write', { mounts: [bind('/etc/shadow', '/shadow')] }, 1, 'critical'],
  ['CT005', '/ spelled /tmp/..', { mounts: [bind('/tmp/..', '/host')] }, 1, 'critical'],
  ['CT005', '/etc/shadow spelled //etc/./shadow', { mounts: [bind('//etc/./shadow', '/shadow')] }, 1, 'critical'],
  ['CT005', '/var/lib/docker mounted', { mounts: [bind('/var/lib/docker', '/d')] }, 1, 'critical'],
  ['CT005', '/usr mounted read-write', { mounts: [bind('/usr', '/u')] }, 1, 'high'],
  ['CT005', '/etc/localtime read-only is harmless', { mounts: [bind('/etc/localtime', '/etc/localtime', false)] }, 0],
  ['CT005', '/srv/app/config', { mounts: [bind('/srv/app/config', '/config', false)] }, 0],
  ['CT005', '/etcetera is not /etc', { mounts: [bind('/etcetera', '/x')] }, 0],
  ['CT005', 'the socket is CT004, not CT005', { mounts: [bind('/var/run/docker.sock', '/s')] }, 0],
  ['CT006', 'host pid', { namespaces: { ...base.namespaces, pid: 'host' } }, 1],
  ['CT006', 'shares another container pid', { namespaces: { ...base.namespaces, pid: 'container:abc' } }, 0],
  ['CT007', 'host network', { namespaces: { ...base.namespaces, network: 'host' } }, 1],
  ['CT007', 'bridge network', {}, 0],
  ['CT008', 'host ipc', { namespaces: { ...base.namespaces, ipc: 'host' } }, 1],
  ['CT008', 'private ipc', {}, 0],
  ['CT009', 'host uts', { namespaces: { ...base.namespaces, uts: 'host' } }, 1],
  ['CT009', 'own uts', {}, 0],
  ['CT010', 'host userns', { namespaces: { ...base.namespaces, userns: 'host' } }, 1],
  ['CT010', 'default userns', {}, 0],
  ['CT011', 'host cgroupns on cgroup v2', { namespaces: { ...base.namespaces, cgroupns: 'host' } }, 1],
  ['CT011', 'host cgroupns on cgroup v1 (engine default)', { namespaces: { ...base.namespaces, cgroupns: 'host' }, engine: { ...base.engine, cgroupVersion: '1' } }, 0],
  ['CT012', 'device passed', { devices: [{ host: '/dev/sda', container: '/dev/sda', permissions: 'rwm' }] }, 1, 'high'],
  ['CT012', 'device cgroup rule allowing all', { deviceCgroupRules: ['a *:* rwm'] }, 1, 'critical'],
  ['CT012', 'no devices', {}, 0],
  ['CT013', 'no memory limit', { resources: { ...res, memory: 0 } }, 1],
  ['CT013', 'memory limit', {}, 0],
  ['CT014', 'no CPU limit', { resources: { ...res, nanoCpus: 0 } }, 1],
  ['CT014', 'default shares are not a limit', { resources: { ...res, nanoCpus: 0, cpuShares: 1024 } }, 1],
  ['CT014', 'CPU quota', { resources: { ...res, nanoCpus: 0, cpuQuota: 50000 } }, 0],
  ['CT014', 'relative shares', { resources: { ...res, nanoCpus: 0, cpuShares: 512 } }, 0],
  ['CT015', 'no pids limit (null)', { resources: { ...res, pidsLimit: null } }, 1],
  ['CT015', 'pids limit -1', { resources: { ...res, pidsLimit: -1 } }, 1],
  ['CT015', 'pids limit 64', {}, 0],
  ['CT016', 'seccomp=unconfined', { securityOpt: ['seccomp=unconfined', 'no-new-privileges'] }, 1],
  ['CT016', 'seccomp:unconfined (old syntax)', { securityOpt: ['seccomp:unconfined'] }, 1],
  ['CT016', 'engine without seccomp', { engine: { ...base.engine, seccomp: false } }, 1],
  ['CT016', 'custom profile', { securityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ERRNO"}'] }, 0],
  ['CT017', 'apparmor=unconfined', { securityOpt: ['apparmor=unconfined'] }, 1],
  ['CT017', 'no profile on an AppArmor host', { engine: { ...base.engine, apparmor: true } }, 1],
  ['CT017', 'docker-default on an AppArmor host', { engine: { ...base.engine, apparmor: true }, appArmorProfile: 'docker-default' }, 0],
  ['CT017', 'no profile on a host without AppArmor', {}, 0],
  ['CT018', 'no-new-privileges missing', { securityOpt: [] }, 1],
  ['CT018', 'no-new-privileges=false', { securityOpt: ['no-new-privileges=false'] }, 1],
  ['CT018', 'no-new-privileges (bare)', { securityOpt: ['no-new-privileges'] }, 0],
  ['CT019', 'no user (image default root)', { user: '' }, 1, 'medium'],
  ['CT019', 'user root:root', { user: 'root:root' }, 1],
  ['CT019', 'uid 0 with a group', { user: '0:1000' }, 1],
  ['CT019', 'root remapped by userns-remap', { user: '', engine: { ...base.engine, userns: true } }, 1, 'low'],
  ['CT019', 'user 65534', {}, 0],
  ['CT019', 'named user', { user: 'app' }, 0],
  ['CT019', 'named user that is uid 1000 in /etc/passwd', { user: 'app', userUid: 1000 }, 0],
  ['CT019', 'named user that is uid 0 in /etc/passwd', { user: 'admin', userUid: 0 }, 1, 'medium'],
  ['CT019', 'no user, image USER unknown to the input (authz request)', { user: '', userUidUnknown: true }, 1, 'low'],
  ['CT019', 'named user, uid unknown to the input', { user: 'app', userUidUnknown: true }, 1, 'low'],
  ['CT019', 'numeric user, nothing unknown', { user: '1000:1000', userUidUnknown: true }, 0],
  ['CT019', 'root by name is root, known or not', { user: 'root', userUidUnknown: true }, 1, 'medium'],
  ['CT020', 'writable root', { readOnlyRootfs: false }, 1],
  ['CT020', 'read-only root', {}, 0],
  ['CT021', 'restart always', { restart: { name: 'always', maxRetries: 0 } }, 1],
  ['CT021', 'restart unless-stopped', { restart: { name: 'unless-stopped', maxRetries: 0 } }, 1],
  ['CT021', 'on-failure without a maximum', { restart: { name: 'on-failure', maxRetries: 0 } }, 1],
  ['CT021', 'on-failure:5', { restart: { name: 'on-failure', maxRetries: 5 } }, 0],
  ['CT021', 'no restart', {}, 0],
  ['CT022', 'published on 0.0.0.0 and ::', { ports: [{ containerPort: '80/tcp', hostIp: '0.0.0.0', hostPort: '8080' }, { containerPort: '80/tcp', hostIp: '::', hostPort: '8080' }] }, 1],
  ['CT022', 'published with no host ip', { ports: [{ containerPort: '80/tcp', hostIp: '', hostPort: '8080' }] }, 1],
  ['CT022', 'published on loopback', { ports: [{ containerPort: '80/tcp', hostIp: '127.0.0.1', hostPort: '8080' }] }, 0],
  ['CT023', 'rshared propagation', { mounts: [bind('/srv/x', '/x', true, 'rshared')] }, 1],
  ['CT023', 'rslave propagation', { mounts: [bind('/srv/x', '/x', true, 'rslave')] }, 0],
  ['CT024', 'GitHub token in env', { env: [{ name: 'GH', value: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' }] }, 1],
  ['CT024', 'password in env', { env: [{ name: 'DB_PASSWORD', value: 'Xk9#mP2$vL8q' }] }, 1],
  ['CT024', 'placeholder password', { env: [{ name: 'DB_PASSWORD', value: 'changeme' }] }, 0],
  ['CT024', '*_FILE pointing at a secret file', { env: [{ name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' }] }, 0],
  ['CT024', 'ordinary env', {}, 0],
  ['CT025', 'setuid file added at run time', { files: { mode: 'changes', scanned: 3, secrets: [], specialFiles: [{ path: '/tmp/x', mode: 0o104755, setuid: true, setgid: false, origin: 'added' }] } }, 1, 'high'],
  ['CT025', 'setuid file in the image (--fs full)', { files: { mode: 'full', scanned: 300, secrets: [], specialFiles: [{ path: '/bin/su', mode: 0o4755, setuid: true, setgid: false, origin: 'filesystem' }] } }, 1, 'medium'],
  ['CT025', 'no special files', { files: { mode: 'changes', scanned: 3, secrets: [], specialFiles: [] } }, 0],
  ['CT025', '--fs none', {}, 0],
  ['CT026', 'token written at run time', { files: { mode: 'changes', scanned: 1, specialFiles: [], secrets: [{ path: '/t', line: 1, kind: 'github-token', severity: 'high', evidence: 'ghp_…[redacted]', origin: 'added' }] } }, 1, 'high'],
  ['CT026', 'no secrets', { files: { mode: 'changes', scanned: 1, specialFiles: [], secrets: [] } }, 0],
  ['CT029', 'no health check', { healthcheck: undefined }, 1],
  ['CT029', 'health check disabled', { healthcheck: ['NONE'] }, 1],
  ['CT029', 'health check', {}, 0],
  ['CT030', 'default bridge', { namespaces: { ...base.namespaces, network: 'default' } }, 1],
  ['CT030', 'user-defined network', { namespaces: { ...base.namespaces, network: 'app' } }, 0],
  ['CT030', 'no network', { namespaces: { ...base.namespaces, network: 'none' } }, 0],
  ['CT031', 'port 80 on the host', { ports: [{ containerPort: '80/tcp', hostIp: '127.0.0.1', hostPort: '80' }] }, 1],
  ['CT031', 'port 8080 on the host', { ports: [{ containerPort: '80/tcp', hostIp: '127.0.0.1', hostPort: '8080' }] }, 0],
  ['CT032', 'sshd running (two processes: listener and session)', { processes: { known: true, list: [{ pid: 10, user: 'root', executable: 'sshd' }, { pid: 11, user: 'root', executable: 'sshd' }] } }, 1],
  ['CT032', 'dropbear running', { processes: { known: true, list: [{ pid: 10, user: 'root', executable: 'dropbear' }] } }, 1],
  ['CT032', 'a process whose name only contains sshd (sshd-keygen, grep-sshd)', { processes: { known: true, list: [{ pid: 10, user: 'root', executable: 'sshd-keygen' }, { pid: 11, user: 'root', executable: 'grep-sshd' }] } }, 0],
  ['CT032', 'processes unknown (a create request, a stopped container)', { processes: { known: false, reason: 'the container is not running' } }, 0],
  ['CT032', 'no sshd', {}, 0],
  // --security-opt systempaths=unconfined as inspect shows it, and as a create request sends it
  ['CT033', 'systempaths=unconfined (both lists empty)', { procPaths: { masked: [], readonly: [] } }, 1, 'high'],
  ['CT033', 'only /proc/kcore masked (a partial MaskedPaths)', { procPaths: { masked: ['/proc/kcore'], readonly: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'] } }, 1],
  ['CT033', '/proc/sysrq-trigger writable', { procPaths: { masked: [...DEFAULT_MASKED], readonly: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys'] } }, 1],
  ['CT033', 'the 20.10 defaults', { procPaths: { masked: [...DEFAULT_MASKED], readonly: [...DEFAULT_READONLY] } }, 0],
  ['CT033', 'a newer engine masks more (powercap)', { procPaths: { masked: [...DEFAULT_MASKED, '/sys/devices/virtual/powercap'], readonly: [...DEFAULT_READONLY] } }, 0],
  ['CT033', 'lists not given: engine defaults', {}, 0],
  ['CT033', 'privileged: CT001 reports it', { privileged: true, procPaths: { masked: [], readonly: [] } }, 0],
  ['CT034', 'net.ipv4.ip_forward', { sysctls: { 'net.ipv4.ip_forward': '1' } }, 1, 'low'],
  ['CT034', 'kernel.msgmax and net.ipv4.conf.all.route_localnet', { sysctls: { 'kernel.msgmax': '65536', 'net.ipv4.conf.all.route_localnet': '1' } }, 2],
  ['CT034', 'ip_unprivileged_port_start (safe set)', { sysctls: { 'net.ipv4.ip_unprivileged_port_start': '80' } }, 0],
  ['CT034', 'no sysctls', { sysctls: {} }, 0],
  ['CT035', '-P in a create request (no bindings yet)', { publishAllPorts: true }, 1, 'medium'],
  ['CT035', '-P on a running container: CT022 reports each bound port', { publishAllPorts: true, ports: [{ containerPort: '80/tcp', hostIp: '0.0.0.0', hostPort: '49153' }] }, 0],
  ['CT035', '-P on an image that exposes nothing, running: no ports, still -P', { publishAllPorts: true, ports: [] }, 1],
  ['CT035', 'no -P', { publishAllPorts: false }, 0],
];

describe('container rules', () => {
  it.each(cases)('%s fires %#: %s', (id, _name, override, count, severity) => {
    const findings = rule(id).check(hardenedFacts(override));
    expect(findings).toHaveLength(count);
    if (severity) expect(findings[0]?.severity ?? rule(id).meta.severity).toBe(severity);
  });

  it('a hardened container gives no finding from any rule', () => {
    const facts = hardenedFacts();
    expect(containerRules.flatMap((r) => r.check(facts).map((f) => `${r.meta.id}: ${f.message}`))).toEqual([]);
  });

  it('never puts an env secret in a message, only redacted evidence', () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const [f] = rule('CT024').check(hardenedFacts({ env: [{ name: 'TOKEN', value: secret }] }));
    expect(f?.message).not.toContain(secret);
    expect(f?.evidence).toMatch(/^TOKEN=ghp_…\[redacted 40 chars/);
  });

  it('ids are unique, slugs match file names, every rule names its CIS coverage', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(new URL('../../../src/audit/rules/container/', import.meta.url)).filter((f) => f !== 'index.ts');
    expect(new Set(containerRules.map((r) => r.meta.id)).size).toBe(containerRules.length);
    expect(containerRules.map((r) => `${r.meta.slug}.ts`).sort()).toEqual(files.sort());
    for (const r of containerRules) {
      expect(r.meta.target).toBe('container');
      expect(Array.isArray(r.meta.cis)).toBe(true);
    }
  });
});

describe('container rules that read files or processes are not checked, not passed, without them', () => {
  const withAll: ContainerFacts = { ...base, files: { mode: 'changes', scanned: 0, specialFiles: [], secrets: [] }, processes: { known: true, list: [] } };
  const without: ContainerFacts = { ...base, processes: { known: false, reason: 'not running' } };
  delete without.files;
  it.each([
    ['CT025', true, false],
    ['CT026', true, false],
    ['CT032', true, false],
    ['CT001', true, true],
    ['CT019', true, true],
  ] as const)('%s: with files and processes %s, without %s', (id, full, bare) => {
    expect(checkedRuleIds(containerRules, withAll).includes(id)).toBe(full);
    expect(checkedRuleIds(containerRules, without).includes(id)).toBe(bare);
  });
});
