import { describe, expect, it } from 'vitest';
import type { ContainerInspect } from '../../../src/engine/client.js';
import type { EngineConfinement } from '../../../src/audit/container/facts.js';
import { containerFactsFromInspect } from '../../../src/audit/container/normalize.js';
import { CreateRequestError, fromCreateRequest, type CreateRequestBody } from '../../../src/audit/container/from-create-request.js';
import { runRules } from '../../../src/audit/container/run-rules.js';
import { containerRules } from '../../../src/audit/rules/container/index.js';
import { DOCKER_MASKED_PATHS, DOCKER_READONLY_PATHS } from '../../../src/audit/container/data/docker-proc-paths.js';

const engine: EngineConfinement = { seccomp: true, apparmor: true, selinux: false, userns: false, rootless: false, cgroupVersion: '2' };
const MiB = 1024 * 1024;

/** The hardened HostConfig both inputs start from: the same container, inspected or requested. */
const HARDENED_HOST_CONFIG = {
  NetworkMode: 'none',
  CapDrop: ['ALL'],
  SecurityOpt: ['no-new-privileges'],
  ReadonlyRootfs: true,
  Memory: 64 * MiB,
  MemorySwap: 64 * MiB,
  NanoCpus: 500_000_000,
  PidsLimit: 64,
  RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
};

/** A hardened container as dockerd would report it in inspect... */
function inspect(hc: Record<string, unknown> = {}, cfg: Record<string, unknown> = {}, mounts: unknown[] = []): ContainerInspect {
  return {
    Id: 'c0ffee',
    Name: '/app',
    Image: 'sha256:abc',
    State: { Running: false },
    AppArmorProfile: hc.Privileged ? 'unconfined' : 'docker-default',
    Mounts: mounts,
    Config: { Image: 'busybox', User: '65534:65534', Env: [], Labels: {}, Healthcheck: { Test: ['CMD', 'true'] }, ...cfg },
    HostConfig: {
      ...HARDENED_HOST_CONFIG,
      ...hc,
    },
  } as unknown as ContainerInspect;
}

/** ...and the create request that makes it. */
function create(hc: Record<string, unknown> = {}, cfg: Record<string, unknown> = {}): CreateRequestBody {
  return {
    Image: 'busybox',
    User: '65534:65534',
    Env: [],
    Labels: {},
    Healthcheck: { Test: ['CMD', 'true'] },
    ...cfg,
    HostConfig: {
      ...HARDENED_HOST_CONFIG,
      ...hc,
    },
  } as CreateRequestBody;
}

function findings(facts: ReturnType<typeof fromCreateRequest>): string[] {
  return runRules(containerRules, facts, { kind: 'container', name: 'app' })
    .map((f) => `${f.ruleId}:${f.severity}`)
    .sort();
}

const bindMount = (source: string, destination: string, rw = true, propagation = 'rprivate') => ({ Type: 'bind', Source: source, Destination: destination, RW: rw, Propagation: propagation });

/** [setting, inspect HostConfig, inspect Config, inspect Mounts, create HostConfig, create Config, findings both must give] */
type Case = [string, Record<string, unknown>, Record<string, unknown>, unknown[], Record<string, unknown>, Record<string, unknown>, string[]];
const cases: Case[] = [
  ['hardened', {}, {}, [], {}, {}, []],
  ['--privileged', { Privileged: true }, {}, [], { Privileged: true }, {}, ['CT001:critical']],
  ['--cap-add SYS_ADMIN', { CapAdd: ['SYS_ADMIN'] }, {}, [], { CapAdd: ['cap_sys_admin'] }, {}, ['CT002:critical']],
  ['no --cap-drop ALL', { CapDrop: null }, {}, [], { CapDrop: [] }, {}, ['CT003:medium']],
  ['-v /var/run/docker.sock:/s', {}, {}, [bindMount('/var/run/docker.sock', '/s')], { Binds: ['/var/run/docker.sock:/s'] }, {}, ['CT004:critical']],
  ['docker.sock by a dotted path', {}, {}, [bindMount('/run/docker.sock', '/s')], { Binds: ['/var/run/../run//docker.sock:/s'] }, {}, ['CT004:critical']],
  ['-v /:/host', {}, {}, [bindMount('/', '/host')], { Binds: ['/:/host'] }, {}, ['CT005:critical']],
  ['-v /etc:/e:ro', {}, {}, [bindMount('/etc', '/e', false)], { Binds: ['/etc:/e:ro'] }, {}, ['CT005:medium']],
  ['--mount type=bind,src=/,dst=/h,bind-propagation=rshared', {}, {}, [bindMount('/', '/h', true, 'rshared')], { Mounts: [{ Type: 'bind', Source: '/', Target: '/h', BindOptions: { Propagation: 'rshared' } }] }, {}, ['CT005:critical', 'CT023:medium']],
  ['--mount type=volume with the local driver binding /', {}, {}, [bindMount('/', '/h')], { Mounts: [{ Type: 'volume', Target: '/h', VolumeOptions: { DriverConfig: { Name: 'local', Options: { type: 'none', o: 'bind', device: '/' } } } }] }, {}, ['CT005:critical']],
  ['named volume', {}, {}, [{ Type: 'volume', Source: '/var/lib/docker/volumes/data/_data', Destination: '/data', RW: true, Propagation: '' }], { Binds: ['data:/data'] }, {}, []],
  ['--pid host', { PidMode: 'host' }, {}, [], { PidMode: 'host' }, {}, ['CT006:high']],
  ['--network host', { NetworkMode: 'host' }, {}, [], { NetworkMode: 'host' }, {}, ['CT007:high']],
  ['default bridge (no --network)', { NetworkMode: 'default' }, {}, [], { NetworkMode: undefined }, {}, ['CT030:low']],
  ['--ipc host', { IpcMode: 'host' }, {}, [], { IpcMode: 'host' }, {}, ['CT008:medium']],
  ['--uts host', { UTSMode: 'host' }, {}, [], { UTSMode: 'host' }, {}, ['CT009:medium']],
  ['--userns host', { UsernsMode: 'host' }, {}, [], { UsernsMode: 'host' }, {}, ['CT010:medium']],
  ['--cgroupns host', { CgroupnsMode: 'host' }, {}, [], { CgroupnsMode: 'host' }, {}, ['CT011:low']],
  ['--device /dev/sda', { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, {}, [], { Devices: [{ PathOnHost: '/dev/sda', PathInContainer: '/dev/sda', CgroupPermissions: 'rwm' }] }, {}, ['CT012:high']],
  ['no memory limit', { Memory: 0, MemorySwap: 0 }, {}, [], { Memory: 0, MemorySwap: 0 }, {}, ['CT013:medium']],
  ['no cpu limit', { NanoCpus: 0 }, {}, [], { NanoCpus: undefined }, {}, ['CT014:low']],
  ['--pids-limit -1', { PidsLimit: -1 }, {}, [], { PidsLimit: -1 }, {}, ['CT015:medium']],
  ['seccomp=unconfined', { SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'] }, {}, [], { SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'] }, {}, ['CT016:high']],
  ['apparmor=unconfined', { SecurityOpt: ['no-new-privileges', 'apparmor=unconfined'] }, {}, [], { SecurityOpt: ['no-new-privileges', 'apparmor=unconfined'] }, {}, ['CT017:medium']],
  ['no no-new-privileges', { SecurityOpt: [] }, {}, [], { SecurityOpt: [] }, {}, ['CT018:medium']],
  ['--user 0', {}, { User: '0' }, [], {}, { User: '0' }, ['CT019:medium']],
  ['--user root:root', {}, { User: 'root:root' }, [], {}, { User: 'root:root' }, ['CT019:medium']],
  ['writable root', { ReadonlyRootfs: false }, {}, [], { ReadonlyRootfs: false }, {}, ['CT020:low']],
  ['--restart always', { RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } }, {}, [], { RestartPolicy: { Name: 'always' } }, {}, ['CT021:low']],
  ['-p 8080:80 on every interface', { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } }, {}, [], { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } }, {}, ['CT022:medium']],
  ['-p 127.0.0.1:80:80', { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '80' }] } }, {}, [], { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '80' }] } }, {}, ['CT031:low']],
  ['--security-opt systempaths=unconfined', { MaskedPaths: [], ReadonlyPaths: [] }, {}, [], { MaskedPaths: [], ReadonlyPaths: [] }, {}, ['CT033:high']],
  ['MaskedPaths given alone: ReadonlyPaths stay the defaults', { MaskedPaths: ['/proc/kcore'], ReadonlyPaths: [...DOCKER_READONLY_PATHS] }, {}, [], { MaskedPaths: ['/proc/kcore'] }, {}, ['CT033:high']],
  ['the default lists, as inspect shows them and as a request leaves them (null)', { MaskedPaths: [...DOCKER_MASKED_PATHS], ReadonlyPaths: [...DOCKER_READONLY_PATHS] }, {}, [], { MaskedPaths: undefined, ReadonlyPaths: undefined }, {}, []],
  ['--sysctl net.ipv4.ip_forward=1', { Sysctls: { 'net.ipv4.ip_forward': '1' } }, {}, [], { Sysctls: { 'net.ipv4.ip_forward': '1' } }, {}, ['CT034:low']],
  ['-P (a created container: no bindings yet)', { PublishAllPorts: true }, {}, [], { PublishAllPorts: true }, {}, ['CT035:medium']],
  ['-e GITHUB_TOKEN=ghp_...', {}, { Env: ['GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789'] }, [], {}, { Env: ['GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789'] }, ['CT024:high']],
];

describe('fromCreateRequest: the same setting gives the same finding as from inspect', () => {
  it.each(cases)('%s', (_name, ihc, icfg, imounts, chc, ccfg, expected) => {
    const fromInspect = findings(containerFactsFromInspect(inspect(ihc, icfg, imounts), engine));
    const fromRequest = findings(fromCreateRequest(create(chc, ccfg), { name: 'app', engine }));
    expect(fromInspect).toEqual(expected);
    expect(fromRequest).toEqual(expected);
  });

  it("a request without User does not know the image's USER: unknown (low), where inspect knows it is root", () => {
    expect(findings(containerFactsFromInspect(inspect({}, { User: '' }), engine))).toEqual(['CT019:medium']);
    const facts = fromCreateRequest(create({}, { User: undefined }), { name: 'app', engine });
    expect(facts.userUidUnknown).toBe(true);
    expect(findings(facts)).toEqual(['CT019:low']);
  });

  it('a named user is unknown too (its uid is in the image), a numeric one is not', () => {
    expect(fromCreateRequest(create({}, { User: 'app' }), { name: 'app', engine }).userUidUnknown).toBe(true);
    expect(fromCreateRequest(create({}, { User: '1000:1000' }), { name: 'app', engine }).userUidUnknown).toBeUndefined();
  });

  it('derives the AppArmor profile as the engine does at create', () => {
    expect(fromCreateRequest(create(), { name: 'a', engine }).appArmorProfile).toBe('docker-default');
    expect(fromCreateRequest(create({ Privileged: true }), { name: 'a', engine }).appArmorProfile).toBe('unconfined');
    expect(fromCreateRequest(create(), { name: 'a', engine: { ...engine, apparmor: false } }).appArmorProfile).toBe('');
  });

  it('refuses what it cannot describe: bad bind specs, unknown mount types, --volumes-from', () => {
    for (const hc of [{ Binds: ['/a:/b:ro:x'] }, { Binds: ['/a:/b:weird'] }, { Mounts: [{ Type: 'npipe', Target: '/x' }] }, { Mounts: [{ Type: 'bind', Source: 'rel', Target: '/x' }] }, { VolumesFrom: ['other'] }]) {
      expect(() => fromCreateRequest(create(hc), { name: 'a', engine })).toThrow(CreateRequestError);
    }
  });
});
