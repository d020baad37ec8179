import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { hostRules } from '../../../src/audit/rules/host/index.js';
import type { HostFacts } from '../../../src/audit/host/facts.js';
import { checkedRuleIds } from '../../../src/audit/rules/rule.js';

/** CIS 1.1 paths found on a Debian host: dockerd in /usr/sbin, /lib is /usr/lib */
const auditExpected = [
  { cis: '1.1.3', path: '/usr/sbin/dockerd', realPath: '/usr/sbin/dockerd' },
  { cis: '1.1.5', path: '/var/lib/docker', realPath: '/var/lib/docker' },
  { cis: '1.1.6', path: '/etc/docker', realPath: '/etc/docker' },
  { cis: '1.1.11', path: '/etc/docker/daemon.json', realPath: '/etc/docker/daemon.json' },
];
const debianUnit = { cis: '1.1.7', path: '/lib/systemd/system/docker.service', realPath: '/usr/lib/systemd/system/docker.service' };

/** GET /info Runtimes as dockerd 20.10 lists them, and runsc as scripts/engine registers it */
const RUNC = { runc: { path: 'runc' }, 'io.containerd.runc.v2': { path: 'runc' }, 'io.containerd.runtime.v1.linux': { path: 'runc' } };
const RUNSC = { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp', '--network=none'] };
const runtimes = (registered: Record<string, { path?: string; runtimeArgs?: string[]; runtimeType?: string }>, defaultRuntime: string | null = 'runc'): Partial<HostFacts> => ({
  runtimes: { registered, ...(defaultRuntime === null ? {} : { defaultRuntime }) },
});

/** A well-configured local rootless engine on a current stack: no host rule fires. */
function goodHost(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    endpoint: 'unix:///run/user/1000/docker.sock',
    local: true,
    rootless: true,
    versions: { engine: '27.3.1', api: '1.47', containerd: '1.7.22', runc: '1.2.8', kernel: '6.1.0', os: 'Debian' },
    confinement: { seccomp: true, apparmor: true, selinux: false, userns: false, rootless: true, cgroupVersion: '2' },
    daemon: {
      liveRestore: true,
      experimental: false,
      loggingDriver: 'json-file',
      logOpts: { 'max-size': '10m' },
      insecureRegistries: [],
      authorizationPlugins: ['opa-docker-authz'],
      icc: false,
      noNewPrivileges: true,
      userlandProxy: false,
      defaultUlimits: { nofile: {} },
      hosts: [],
      tlsVerify: false,
      plainTcpEndpoint: false,
      debug: false,
      iptables: true,
    },
    daemonJson: { path: '/home/u/.config/docker/daemon.json', status: 'read', config: {}, uid: 1000, gid: 1000, mode: 0o644 },
    socket: { path: '/run/user/1000/docker.sock', uid: 1000, gid: 1000, mode: 0o600, owner: 'u', group: 'u', groupMembers: [], auditUid: 1000 },
    images: { count: 3, dangling: 0, rootUser: [] },
    swarmActive: false,
    storageDriver: 'overlay2',
    containersStopped: 2,
    engineFiles: [{ path: '/etc/docker', uid: 0, gid: 0, mode: 0o755, maxMode: 0o755, rootOwned: true, cis: ['3.5', '3.6'] }],
    auditd: { configDir: '/etc/audit', running: true, watched: ['/etc/docker', '/usr/sbin/dockerd', '/var/lib/docker'], trees: ['/etc/docker', '/var/lib/docker'], expected: auditExpected },
    dataRoot: { path: '/var/lib/docker', device: 2049, rootDevice: 2050, mountPoint: true },
    runtimes: { registered: { ...RUNC, runsc: RUNSC }, defaultRuntime: 'runc' },
    ...overrides,
  };
}

const good = goodHost();
const rootful = { rootless: false, confinement: { ...good.confinement, rootless: false } };
const rootSocket = { path: '/var/run/docker.sock', uid: 0, gid: 105, mode: 0o660, owner: 'root', group: 'docker', groupMembers: [], auditUid: 0 };

type Case = [string, string, Partial<HostFacts>, number, string?];
const cases: Case[] = [
  ['HS001', 'runc 1.1.5 (Leaky Vessels and 2025 escapes)', { versions: { ...good.versions, runc: '1.1.5' } }, 4, 'high'],
  ['HS001', 'AuthZ bypass without an authz plugin is low', { versions: { ...good.versions, engine: '26.1.4' }, daemon: { ...good.daemon, authorizationPlugins: [] } }, 1, 'low'],
  ['HS001', 'AuthZ bypass with an authz plugin is critical', { versions: { ...good.versions, engine: '26.1.4' }, daemon: { ...good.daemon, authorizationPlugins: ['opa'] } }, 1, 'critical'],
  ['HS001', 'current versions', {}, 0],
  ['HS002', 'rootful without userns-remap', rootful, 1],
  ['HS002', 'rootful with userns-remap', { ...rootful, confinement: { ...good.confinement, rootless: false, userns: true } }, 0],
  ['HS002', 'rootless', {}, 0],
  ['HS003', 'icc on', { daemon: { ...good.daemon, icc: true } }, 1],
  ['HS003', 'icc unknown (remote)', { daemon: { ...good.daemon, icc: undefined } }, 0],
  ['HS004', 'live-restore off', { daemon: { ...good.daemon, liveRestore: false } }, 1],
  ['HS004', 'live-restore off in swarm mode (incompatible)', { daemon: { ...good.daemon, liveRestore: false }, swarmActive: true }, 0],
  ['HS005', 'no-new-privileges not default', { daemon: { ...good.daemon, noNewPrivileges: false } }, 1],
  ['HS006', 'json-file without max-size', { daemon: { ...good.daemon, logOpts: {} } }, 1],
  ['HS006', 'local driver rotates by itself', { daemon: { ...good.daemon, loggingDriver: 'local', logOpts: {} } }, 0],
  ['HS007', 'no default ulimits', { daemon: { ...good.daemon, defaultUlimits: {} } }, 1],
  ['HS008', 'tcp listener without tlsverify', { daemon: { ...good.daemon, hosts: ['fd://', 'tcp://0.0.0.0:2375'] } }, 1, 'critical'],
  ['HS008', 'tcp listener with tlsverify', { daemon: { ...good.daemon, hosts: ['tcp://0.0.0.0:2376'], tlsVerify: true } }, 0],
  ['HS008', 'loopback tcp listener', { daemon: { ...good.daemon, hosts: ['tcp://127.0.0.1:2375'] } }, 0],
  ['HS008', 'this audit reached it over plain tcp', { daemon: { ...good.daemon, plainTcpEndpoint: true } }, 1],
  ['HS009', 'experimental', { daemon: { ...good.daemon, experimental: true } }, 1],
  ['HS010', 'two insecure registries', { daemon: { ...good.daemon, insecureRegistries: ['10.0.0.0/8', 'reg:5000'] } }, 2],
  ['HS011', 'world-accessible socket', { ...rootful, socket: { ...rootSocket, mode: 0o666 } }, 1, 'critical'],
  ['HS011', 'socket owned by a user', { ...rootful, socket: { ...rootSocket, uid: 1000, owner: 'u' } }, 1],
  ['HS011', 'socket group staff', { ...rootful, socket: { ...rootSocket, gid: 50, group: 'staff' } }, 1],
  ['HS011', 'root:docker 660', { ...rootful, socket: rootSocket }, 0],
  ['HS011', 'rootless socket of its user', {}, 0],
  ['HS011', 'remote: no socket facts', { socket: undefined }, 0],
  ['HS012', 'two docker group members', { ...rootful, socket: { ...rootSocket, groupMembers: ['alice', 'ci'] } }, 2],
  ['HS012', 'empty docker group', { ...rootful, socket: rootSocket }, 0],
  ['HS013', 'no AppArmor, no SELinux', { confinement: { ...good.confinement, apparmor: false } }, 1],
  ['HS013', 'SELinux', { confinement: { ...good.confinement, apparmor: false, selinux: true } }, 0],
  ['HS014', 'no seccomp', { confinement: { ...good.confinement, seccomp: false } }, 1],
  ['HS015', 'cgroup v1', { confinement: { ...good.confinement, cgroupVersion: '1' } }, 1],
  ['HS016', 'rootful engine', rootful, 1],
  ['HS016', 'rootless engine', {}, 0],
  ['HS017', 'images running as root', { images: { count: 3, dangling: 0, rootUser: ['a:1', 'b:2'] } }, 2],
  ['HS018', 'dangling images', { images: { count: 3, dangling: 2, rootUser: [] } }, 1],
  ['HS019', 'userland proxy on', { daemon: { ...good.daemon, userlandProxy: true } }, 1],
  ['HS020', 'daemon.json writable by its group', { ...rootful, daemonJson: { path: '/etc/docker/daemon.json', status: 'read', uid: 0, gid: 0, mode: 0o664 } }, 1],
  ['HS020', 'daemon.json owned by a user', { ...rootful, daemonJson: { path: '/etc/docker/daemon.json', status: 'read', uid: 1000, gid: 0, mode: 0o644 } }, 1],
  ['HS020', 'daemon.json root 644', { ...rootful, daemonJson: { path: '/etc/docker/daemon.json', status: 'read', uid: 0, gid: 0, mode: 0o644 } }, 0],
  ['HS020', 'no daemon.json', { ...rootful, daemonJson: { path: '/etc/docker/daemon.json', status: 'missing' } }, 0],
  ['HS021', 'unit file writable by its group', { engineFiles: [{ path: '/lib/systemd/system/docker.service', uid: 0, gid: 0, mode: 0o664, maxMode: 0o644, rootOwned: true, cis: ['3.1', '3.2'] }] }, 1],
  ['HS021', '/etc/docker owned by a user, mode 777', { engineFiles: [{ path: '/etc/docker', uid: 1000, gid: 1000, mode: 0o777, maxMode: 0o755, rootOwned: true, cis: ['3.5', '3.6'] }] }, 2],
  ['HS021', 'TLS key readable by others', { engineFiles: [{ path: '/etc/docker/key.pem', uid: 0, gid: 0, mode: 0o644, maxMode: 0o400, rootOwned: true, cis: ['3.13', '3.14'] }] }, 1],
  ['HS021', 'registry CA certificate 644 under certs.d', { engineFiles: [{ path: '/etc/docker/certs.d/reg:5000/ca.crt', uid: 0, gid: 0, mode: 0o644, maxMode: 0o444, rootOwned: true, cis: ['3.7', '3.8'] }] }, 1],
  ['HS021', 'registry CA certificate 444 root:root', { engineFiles: [{ path: '/etc/docker/certs.d/reg:5000/ca.crt', uid: 0, gid: 0, mode: 0o444, maxMode: 0o444, rootOwned: true, cis: ['3.7', '3.8'] }] }, 0],
  ['HS021', 'runsc binary writable by its group', { engineFiles: [{ path: '/usr/local/bin/runsc', uid: 0, gid: 50, mode: 0o775, maxMode: 0o755, rootOwned: true, cis: [] }] }, 2],
  ['HS021', 'runc binary root 755', { engineFiles: [{ path: '/usr/sbin/runc', uid: 0, gid: 0, mode: 0o755, maxMode: 0o755, rootOwned: true, cis: [] }] }, 0],
  ['HS022', 'auditd not configured', { auditd: { configDir: undefined, running: false, watched: [], trees: [], expected: auditExpected } }, 1],
  ['HS022', 'auditd configured but not running', { auditd: { ...good.auditd!, running: false } }, 1],
  ['HS022', 'only dockerd watched: the other three that exist', { auditd: { ...good.auditd!, watched: ['/usr/sbin/dockerd'], trees: [] } }, 3],
  ['HS022', '/etc/docker watched as a file only (-F path=): daemon.json not covered', { auditd: { ...good.auditd!, trees: ['/var/lib/docker'] } }, 1],
  ['HS022', 'unit file watched by its real path', { auditd: { ...good.auditd!, watched: [...good.auditd!.watched, '/usr/lib/systemd/system/docker.service'], expected: [...auditExpected, debianUnit] } }, 0],
  ['HS022', 'unit file not watched', { auditd: { ...good.auditd!, expected: [...auditExpected, debianUnit] } }, 1],
  ['HS022', 'a path of another distribution that is not on this host is not expected', { auditd: { ...good.auditd!, expected: auditExpected } }, 0],
  ['HS022', 'remote engine: unknown', { auditd: undefined }, 0],
  ['HS023', 'data root a directory on /', { dataRoot: { path: '/var/lib/docker', device: 2050, rootDevice: 2050, mountPoint: false } }, 1],
  ['HS023', 'data root a bind mount of a directory on / (same device)', { dataRoot: { path: '/var/lib/docker', device: 2050, rootDevice: 2050, mountPoint: true } }, 1],
  ['HS023', 'data root a directory under a separate /var', { dataRoot: { path: '/var/lib/docker', device: 2051, rootDevice: 2050, mountPoint: false } }, 0],
  ['HS023', 'data root unknown (remote)', { dataRoot: undefined }, 0],
  ['HS024', 'iptables off', { daemon: { ...good.daemon, iptables: false } }, 1],
  ['HS024', 'iptables unknown (remote)', { daemon: { ...good.daemon, iptables: undefined } }, 0],
  ['HS025', 'aufs', { storageDriver: 'aufs' }, 1],
  ['HS026', 'debug logging', { daemon: { ...good.daemon, debug: true } }, 1],
  ['HS027', 'rootful, no authz plugin', { ...rootful, daemon: { ...good.daemon, authorizationPlugins: [] } }, 1],
  ['HS027', 'the bulkhead authz plugin configured', { ...rootful, daemon: { ...good.daemon, authorizationPlugins: ['bulkhead'] } }, 0],
  ['HS028', '30 stopped containers', { containersStopped: 30 }, 1],
  ['HS029', 'a swarm manager', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, nodes: 3, managers: 3 } }, 1],
  ['HS029', 'a swarm worker', { swarmActive: true, swarm: { nodeId: 'n1', manager: false } }, 1],
  ['HS029', 'not in a swarm', {}, 0],
  ['HS030', 'two managers', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, managers: 2 } }, 1],
  ['HS030', 'nine managers', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, managers: 9 } }, 1],
  ['HS030', 'one manager', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, managers: 1 } }, 0],
  ['HS030', 'three managers', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, managers: 3 } }, 0],
  ['HS030', 'a worker does not know', { swarmActive: true, swarm: { nodeId: 'n1', manager: false } }, 0],
  ['HS031', 'a plain overlay network and the plain ingress', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, overlayNetworks: [{ name: 'backend', encrypted: false, ingress: false }, { name: 'ingress', encrypted: false, ingress: true }, { name: 'secure', encrypted: true, ingress: false }] } }, 2],
  ['HS031', 'every overlay network encrypted', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, overlayNetworks: [{ name: 'ingress', encrypted: true, ingress: true }] } }, 0],
  ['HS032', 'manager without auto-lock', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, autoLock: false } }, 1],
  ['HS032', 'manager with auto-lock', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, autoLock: true } }, 0],
  ['HS032', 'a worker does not know', { swarmActive: true, swarm: { nodeId: 'n1', manager: false } }, 0],
  ['HS033', 'node certificates for a year', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, nodeCertExpirySeconds: 365 * 86400 } }, 1],
  ['HS033', 'the 90-day default', { swarmActive: true, swarm: { nodeId: 'n1', manager: true, nodeCertExpirySeconds: 90 * 86400 } }, 0],
  ['HS034', 'runc only', runtimes(RUNC), 1, 'info'],
  ['HS034', 'no runtime listed at all', runtimes({}, null), 1],
  ['HS034', 'a runtime named "runsc" that runs runc is no sandbox', runtimes({ ...RUNC, runsc: { path: 'runc' } }), 1],
  ['HS034', 'runsc registered', {}, 0],
  ['HS034', 'runsc under another name and path', runtimes({ ...RUNC, gvisor: { path: '/opt/gvisor/bin/runsc' } }), 0],
  ['HS034', 'runsc registered without --oci-seccomp still counts (HS035 reports that)', runtimes({ ...RUNC, runsc: { path: '/usr/bin/runsc' } }), 0],
  ['HS034', 'Kata by binary', runtimes({ ...RUNC, kata: { path: '/usr/bin/kata-runtime' } }), 0],
  ['HS034', 'Kata as a containerd shim type (dockerd 23+)', runtimes({ ...RUNC, kata: { runtimeType: 'io.containerd.kata.v2' } }), 0],
  ['HS034', 'gVisor as a containerd shim type (dockerd 23+)', runtimes({ ...RUNC, gvisor: { runtimeType: 'io.containerd.runsc.v1' } }), 0],
  ['HS034', 'runtimes unknown (/info did not say)', { runtimes: undefined }, 0],
  ['HS035', 'runsc without runtimeArgs', runtimes({ ...RUNC, runsc: { path: '/usr/bin/runsc' } }), 1, 'medium'],
  ['HS035', 'runsc with other flags only', runtimes({ ...RUNC, runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--network=none', '--platform=ptrace'] } }), 1],
  ['HS035', 'runsc with --oci-seccomp=false', runtimes({ ...RUNC, runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp=false'] } }), 1],
  ['HS035', '--oci-seccomp turned off again by a later flag', runtimes({ ...RUNC, runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp', '--oci-seccomp=false'] } }), 1],
  ['HS035', 'two gVisor runtimes, neither with --oci-seccomp', runtimes({ ...RUNC, runsc: { path: '/usr/bin/runsc' }, 'runsc-kvm': { path: '/usr/bin/runsc', runtimeArgs: ['--platform=kvm'] } }), 2],
  ['HS035', 'runsc with --oci-seccomp', {}, 0],
  ['HS035', 'runsc with --oci-seccomp=true', runtimes({ ...RUNC, runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp=true'] } }), 0],
  ['HS035', 'no gVisor runtime', runtimes(RUNC), 0],
  ['HS035', 'gVisor as a shim type: its flags live in a runsc.toml this audit does not read', runtimes({ ...RUNC, gvisor: { runtimeType: 'io.containerd.runsc.v1' } }), 0],
  ['HS036', 'default runtime a binary this audit does not know', runtimes({ ...RUNC, custom: { path: '/opt/bin/my-runtime' } }, 'custom'), 1, 'low'],
  ['HS036', 'default runtime not registered', runtimes(RUNC, 'missing'), 1],
  ['HS036', 'default runc', {}, 0],
  ['HS036', 'default crun by path', runtimes({ ...RUNC, crun: { path: '/usr/bin/crun' } }, 'crun'), 0],
  ['HS036', 'default runsc', runtimes({ ...RUNC, runsc: RUNSC }, 'runsc'), 0],
  ['HS036', 'default the NVIDIA wrapper', runtimes({ ...RUNC, nvidia: { path: 'nvidia-container-runtime' } }, 'nvidia'), 0],
  ['HS036', 'default the runc shim type (dockerd 23+)', runtimes({ 'io.containerd.runc.v2': { runtimeType: 'io.containerd.runc.v2' } }, 'io.containerd.runc.v2'), 0],
  ['HS036', 'default unknown (/info did not say)', runtimes(RUNC, null), 0],
];

describe('host rules', () => {
  it.each(cases)('%s %#: %s', (id, _name, override, count, severity) => {
    const r = hostRules.find((x) => x.meta.id === id)!;
    const findings = r.check(goodHost(override));
    expect(findings).toHaveLength(count);
    if (severity) expect(findings[0]?.severity ?? r.meta.severity).toBe(severity);
  });

  it('a well-configured rootless host gives no finding', () => {
    const h = goodHost();
    expect(hostRules.flatMap((r) => r.check(h).map((f) => `${r.meta.id}: ${f.message}`))).toEqual([]);
  });

  it('a vendor build of unknown origin is reported at medium, with the backport caveat', () => {
    const [f] = hostRules[0]!.check(goodHost({ versions: { ...good.versions, runc: '1.1.11+ds1' } }));
    expect(f?.message).toMatch(/CVE-2024-21626.*upstream version in the range; the distro may have backported the fix/);
    expect(f?.severity).toBe('medium');
  });

  it('ids are unique, slugs match file names, each records CIS coverage', () => {
    const files = readdirSync(new URL('../../../src/audit/rules/host/', import.meta.url)).filter((f) => f !== 'index.ts');
    expect(hostRules.map((r) => `${r.meta.slug}.ts`).sort()).toEqual(files.sort());
    expect(new Set(hostRules.map((r) => r.meta.id)).size).toBe(hostRules.length);
    for (const r of hostRules) expect(Array.isArray(r.meta.cis)).toBe(true);
  });
});

describe('runtime rules are not checked, not passed, when /info did not list the runtimes', () => {
  const unknown = goodHost({ runtimes: undefined });
  it.each(['HS034', 'HS035', 'HS036'])('%s', (id) => {
    expect(checkedRuleIds(hostRules, good)).toContain(id);
    expect(checkedRuleIds(hostRules, unknown)).not.toContain(id);
  });
  it('HS036 is not checked when /info lists runtimes but no default', () => {
    const noDefault = goodHost(runtimes(RUNC, null));
    expect(checkedRuleIds(hostRules, noDefault)).toContain('HS034');
    expect(checkedRuleIds(hostRules, noDefault)).not.toContain('HS036');
  });
});

describe('host rules that read local files are not checked, not passed, on a remote engine', () => {
  const remote = goodHost({ local: false, daemonJson: { path: '/etc/docker/daemon.json', status: 'remote' } });
  for (const k of ['socket', 'engineFiles', 'auditd', 'dataRoot', 'images'] as const) delete remote[k];
  it.each([
    ['HS011', true, false],
    ['HS012', true, false],
    ['HS017', true, false],
    ['HS018', true, false],
    ['HS020', true, false],
    ['HS021', true, false],
    ['HS022', true, false],
    ['HS023', true, false],
    ['HS002', true, true],
    ['HS008', true, true],
    ['HS034', true, true],
    ['HS035', true, true],
    ['HS036', true, true],
  ] as const)('%s: checked locally %s, remotely %s', (id, local, far) => {
    expect(checkedRuleIds(hostRules, good).includes(id)).toBe(local);
    expect(checkedRuleIds(hostRules, remote).includes(id)).toBe(far);
  });
});
