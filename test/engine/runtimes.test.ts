import { describe, expect, it } from 'vitest';
import { enforcesSeccomp, runtimesFromInfo, sandboxKind } from '../../src/engine/runtimes.js';
import { runtimeBinaryPaths } from '../../src/audit/host/engine-files.js';

describe('the engine\'s registered runtimes', () => {
  it.each([
    [{ path: '/usr/bin/runsc' }, 'gvisor'],
    [{ path: 'runsc' }, 'gvisor'],
    [{ runtimeType: 'io.containerd.runsc.v1' }, 'gvisor'],
    [{ path: '/usr/bin/kata-runtime' }, 'kata'],
    [{ path: '/opt/kata/bin/kata-qemu' }, 'kata'],
    [{ runtimeType: 'io.containerd.kata-qemu.v2' }, 'kata'],
    [{ path: 'runc' }, undefined],
    [{ path: '/usr/bin/runsc-wrapper' }, undefined],
    [{}, undefined],
  ] as const)('%j is %s', (runtime, kind) => {
    expect(sandboxKind(runtime)).toBe(kind);
  });

  it.each([
    [['--oci-seccomp'], true],
    [['--network=none', '--oci-seccomp=true'], true],
    [['-oci-seccomp'], true],
    [['--oci-seccomp=false'], false],
    [['--oci-seccomp', '--oci-seccomp=false'], false],
    [['--oci-seccomp-x'], false],
    [[], false],
  ])('runtimeArgs %j enforce the OCI seccomp profile: %s', (args, enforced) => {
    expect(enforcesSeccomp({ runtimeArgs: args })).toBe(enforced);
  });

  it('reads GET /info Runtimes, keeping only the fields it knows; no map is undefined, not empty', () => {
    expect(runtimesFromInfo({ Runtimes: { runc: { path: 'runc' }, runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp', 7], status: {} } } })).toEqual({
      runc: { path: 'runc' },
      runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp'] },
    });
    expect(runtimesFromInfo({})).toBeUndefined();
    expect(runtimesFromInfo({ Runtimes: null })).toBeUndefined();
    expect(runtimesFromInfo({ Runtimes: [] })).toBeUndefined();
  });

  it('finds each runtime binary as dockerd would: absolute as given, a bare name in its PATH, shim types skipped', () => {
    const there = new Set(['/usr/sbin/runc', '/usr/bin/runc', '/opt/bin/crun']);
    expect(runtimeBinaryPaths(['runc', 'runc', '/usr/bin/runsc', 'crun', 'missing', 'rel/runc', ''], '/usr/local/sbin:/usr/sbin:/usr/bin:/opt/bin/', (p) => there.has(p))).toEqual(['/opt/bin/crun', '/usr/bin/runsc', '/usr/sbin/runc']);
  });
});
