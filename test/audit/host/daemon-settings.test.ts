import { describe, expect, it } from 'vitest';
import { daemonSettings, parseDockerdFlags, pickDockerd } from '../../../src/audit/host/daemon-settings.js';

describe('dockerd flags', () => {
  it('reads booleans, values and repeated flags', () => {
    const f = parseDockerdFlags(['-H', 'fd://', '--host=tcp://0.0.0.0:2375', '--icc=false', '--live-restore', '--log-opt', 'max-size=10m', '--containerd=/run/containerd/containerd.sock']);
    expect(f.get('host')).toEqual(['fd://', 'tcp://0.0.0.0:2375']);
    expect(f.get('icc')).toEqual(['false']);
    expect(f.get('live-restore')).toEqual(['true']);
    expect(f.get('log-opt')).toEqual(['max-size=10m']);
    expect(f.get('containerd')).toEqual(['/run/containerd/containerd.sock']);
  });

  it('picks the dockerd that serves the socket', () => {
    const main = { pid: 10, argv: ['--containerd=/run/containerd/containerd.sock'] };
    const second = { pid: 20, argv: ['--host', 'unix:///tmp/bh2/docker.sock', '--data-root', '/tmp/bh2/data'] };
    expect(pickDockerd([second, main], '/var/run/docker.sock')).toBe(main);
    expect(pickDockerd([main, second], '/tmp/bh2/docker.sock')).toBe(second);
    expect(pickDockerd([main], '/tmp/other.sock')).toBeUndefined();
  });
});

describe('daemonSettings', () => {
  const info = {
    LiveRestoreEnabled: false,
    ExperimentalBuild: true,
    LoggingDriver: 'json-file',
    RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8', '10.0.0.0/8'], IndexConfigs: { 'reg.local:5000': { Name: 'reg.local:5000', Secure: false } } },
    Plugins: { Authorization: null },
  };

  it('uses engine defaults for a local engine without daemon.json', () => {
    const s = daemonSettings(info, { config: undefined, flags: new Map() }, false);
    expect(s).toMatchObject({ icc: true, noNewPrivileges: false, userlandProxy: true, logOpts: {}, defaultUlimits: {}, hosts: [], tlsVerify: false, experimental: true });
    expect(s.insecureRegistries.sort()).toEqual(['10.0.0.0/8', 'reg.local:5000']);
  });

  it('lets flags override daemon.json', () => {
    const s = daemonSettings(info, { config: { icc: true, 'log-opts': { 'max-size': '10m' }, 'no-new-privileges': true }, flags: parseDockerdFlags(['--icc=false']) }, false);
    expect(s.icc).toBe(false);
    expect(s.noNewPrivileges).toBe(true);
    expect(s.logOpts).toEqual({ 'max-size': '10m' });
  });

  it('leaves host-file settings unknown for a remote engine', () => {
    const s = daemonSettings(info, undefined, true);
    expect(s.icc).toBeUndefined();
    expect(s.logOpts).toBeUndefined();
    expect(s.plainTcpEndpoint).toBe(true);
  });
});

describe('engineConfinement', () => {
  it('detects a rootless engine and what the host enforces from SecurityOptions', async () => {
    const { engineConfinement } = await import('../../../src/audit/container/normalize.js');
    expect(engineConfinement({ SecurityOptions: ['name=seccomp,profile=default', 'name=rootless', 'name=cgroupns'], CgroupVersion: '2' })).toEqual({
      seccomp: true,
      apparmor: false,
      selinux: false,
      userns: false,
      rootless: true,
      cgroupVersion: '2',
    });
    expect(engineConfinement({ SecurityOptions: ['name=apparmor', 'name=userns'] })).toMatchObject({ apparmor: true, userns: true, rootless: false, seccomp: false, cgroupVersion: '1' });
  });
});
