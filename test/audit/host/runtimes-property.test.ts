import { describe, expect, it } from 'vitest';
import { describeRuntimes } from '../../../src/audit/host/audit.js';

describe('the host target\'s runtimes property', () => {
  it('the host report lists them on one line, the default and the sandboxes marked', () => {
    expect(
      describeRuntimes({
        registered: { runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp'] }, runc: { path: 'runc' }, 'io.containerd.runc.v2': { path: 'runc' }, bare: { path: '/usr/bin/runsc' }, kata: { runtimeType: 'io.containerd.kata.v2' } },
        defaultRuntime: 'runc',
      }),
    ).toBe('bare (gVisor, no --oci-seccomp), io.containerd.runc.v2, kata (Kata), runc (default), runsc (gVisor, --oci-seccomp)');
    expect(describeRuntimes({ registered: {} })).toBe('none listed');
  });
});
