import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { hostRules } from '../../../src/audit/rules/host/index.js';
import type { HostFacts } from '../../../src/audit/host/facts.js';

/** CIS 1.1 paths found on a Debian host: dockerd in /usr/sbin, /lib is /usr/lib */
const auditExpected = [
  { cis: '1.1.3', path: '/usr/sbin/dockerd', realPath: '/usr/sbin/dockerd' },
  { cis: '1.1.5', path: '/var/lib/docker', realPath: '/var/lib/docker' },
  { cis: '1.1.6', path: '/etc/docker', realPath: '/etc/docker' },
  { cis: '1.1.11', path: '/etc/docker/daemon.json', realPath: '/etc/docker/daemon.json' },
];
const debianUnit = { cis: '1.1.7', path: '/lib/systemd/system/docker.service', realPath: '/usr/lib/systemd/system/docker.service' };

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
