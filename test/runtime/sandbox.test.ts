import { describe, expect, it } from 'vitest';
import type { BulkheadError } from '../../src/errors.js';
import { loadPolicy } from '../../src/policy/load.js';
import { toSeccompProfile } from '../../src/profiles/seccomp.js';
import { decideSandbox, gvisorRuntimes } from '../../src/runtime/sandbox.js';
import { untrustedPlan } from './plans.js';

const RUNC = { runc: { path: 'runc' }, 'io.containerd.runc.v2': { path: 'runc' } };
const RUNSC = { ...RUNC, runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp', '--network=none'] } };
const plan = (mode: 'required' | 'preferred' | 'off') => ({ ...untrustedPlan(), policyName: 'p', sandbox: { runtime: 'gvisor' as const, mode } });

describe('which runtime a run gets', () => {
  it('a registered runsc with --oci-seccomp, under any name', () => {
    expect(decideSandbox(plan('required'), RUNSC)).toMatchObject({ runtime: 'runsc', label: 'runsc' });
    expect(gvisorRuntimes({ ...RUNC, gvisor: { path: '/opt/bin/runsc' } })).toEqual(['gvisor']);
  });
  it('required without gVisor is refused (122) with what to do', () => {
    try {
      decideSandbox(plan('required'), RUNC);
      throw new Error('not refused');
    } catch (err) {
      expect((err as BulkheadError).kind).toBe('refused');
      expect((err as Error).message).toBe('refused: policy p requires the gVisor sandbox, but the engine has no gVisor (runsc) runtime registered (scripts/engine installs runsc and registers it)');
    }
  });
  it('a runsc without --oci-seccomp would drop the policy\'s seccomp profile: it does not count', () => {
    expect(() => decideSandbox(plan('required'), { ...RUNC, runsc: { path: '/usr/bin/runsc' } })).toThrow(/is runsc without --oci-seccomp/);
  });
  it('preferred without gVisor warns and runs runc; off never asks', () => {
    expect(decideSandbox(plan('preferred'), RUNC)).toMatchObject({ label: 'runc', warning: 'warning: running without gVisor: the engine has no gVisor (runsc) runtime registered (policy p prefers it)' });
    expect(decideSandbox(plan('preferred'), RUNC).runtime).toBeUndefined();
    expect(decideSandbox(plan('off'), RUNSC)).toEqual({ label: 'runc', summary: 'runc (the engine default; no sandbox asked for)' });
  });
  it('without the engine (--dry-run) the plan names runsc and says it is checked at run time', () => {
    expect(decideSandbox(plan('required'), undefined)).toMatchObject({ runtime: 'runsc', summary: expect.stringContaining('checked at run time') });
  });
});

describe('the sandboxed policy', () => {
  it('is untrusted with gVisor required and the pids runsc needs, nothing else', async () => {
    const sandboxed = (await loadPolicy('sandboxed', { cwd: '/' })).plan;
    const untrusted = (await loadPolicy('untrusted', { cwd: '/' })).plan;
    expect(sandboxed.sandbox).toEqual({ runtime: 'gvisor', mode: 'required' });
    expect(untrusted.sandbox.mode).toBe('off');
    expect(sandboxed.resources.pidsLimit).toBe(128);
    const strip = (p: typeof sandboxed) => ({ ...p, policyName: '', apparmor: { ...p.apparmor, profileName: '' }, sandbox: undefined, resources: { ...p.resources, pidsLimit: 0 } });
    expect(strip(sandboxed)).toEqual(strip(untrusted));
  });
  it('a child of sandboxed may not drop the sandbox to preferred', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'bulkhead-sandbox-'));
    writeFileSync(join(dir, 'p.yaml'), 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata: { name: loose }\nextends: sandboxed\nsandbox: { runtime: gvisor, mode: preferred }\n');
    await expect(loadPolicy('./p.yaml', { cwd: dir })).rejects.toThrow(/sandbox\.mode/);
  });
});

describe('the seccomp profile under gVisor', () => {
  it('allows clone3 (runsc answers errnoRet rules with EPERM, so ENOSYS cannot reach libc); runc keeps ENOSYS', () => {
    const clone3 = (gvisor: boolean) => toSeccompProfile(untrustedPlan(), { gvisor }).syscalls.find((r) => r.names.includes('clone3'));
    expect(clone3(true)).toMatchObject({ action: 'SCMP_ACT_ALLOW' });
    expect(clone3(false)).toMatchObject({ action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });
});
