import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listBuiltinPolicies, loadPolicy } from '../../src/policy/load.js';
import { toAppArmorProfile } from '../../src/profiles/apparmor.js';
import type { HardeningPlan } from '../../src/policy/plan.js';

const work = mkdtempSync(join(tmpdir(), 'bulkhead-apparmor-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Compiles a profile without loading it into the kernel (AppArmor is off on these kernels). */
function compile(text: string): { status: number | null; stderr: string; compiledBytes: number } {
  const file = join(work, `p-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, text);
  // -Q: skip kernel load, -K: no cache, -S: compile to stdout (proves the whole pipeline ran),
  // -q: fewer warnings
  const r = spawnSync('apparmor_parser', ['-Q', '-K', '-q', '-S', file], { encoding: 'buffer' });
  if (r.error) throw r.error;
  // kernels without AppArmor always get this notice, even with -K; anything else is a finding
  const stderr = r.stderr
    .toString()
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('Cache read/write disabled: interface file missing'))
    .join('\n');
  return { status: r.status, stderr, compiledBytes: r.stdout.length };
}

const golden = (name: string): URL => new URL(`./golden/${name}.apparmor`, import.meta.url);

describe('toAppArmorProfile', () => {
  it.each(listBuiltinPolicies())('the %s profile compiles with apparmor_parser', async (name) => {
    const { plan } = await loadPolicy(name);
    const r = compile(toAppArmorProfile(plan));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.compiledBytes).toBeGreaterThan(1000);
  });

  it('a syntax error does fail the parser (so the test above proves something)', () => {
    const r = compile('profile broken flags=(attach_disconnected) {\n  deny mount\n}\n');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/syntax error/);
  });

  it.each(listBuiltinPolicies())('the %s profile matches its golden file', async (name) => {
    const { plan } = await loadPolicy(name);
    const text = toAppArmorProfile(plan);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden(name), text);
    expect(text).toBe(readFileSync(golden(name), 'utf8'));
  });

  it('denies mount, pivot_root, ptrace tracing, raw sockets and kernel interfaces', async () => {
    const text = toAppArmorProfile((await loadPolicy('untrusted')).plan);
    for (const rule of [
      'deny mount,',
      'deny umount,',
      'deny pivot_root,',
      'deny ptrace (trace),',
      'deny network raw,',
      'deny network packet,',
      'deny @{PROC}/sys/** w,',
      'deny @{PROC}/sysrq-trigger rwklx,',
      'deny @{PROC}/kcore rwklx,',
      'deny /sys/** wklx,',
      'deny /sys/firmware/** rwklx,',
      'deny /sys/kernel/security/** rwklx,',
    ]) {
      expect(text).toContain(`  ${rule}\n`);
    }
    expect(text).toContain('profile bulkhead-untrusted flags=(attach_disconnected,mediate_deleted) {');
  });

  it('allows raw sockets only when the plan says so, and still compiles', async () => {
    const { plan } = await loadPolicy('untrusted');
    const raw: HardeningPlan = { ...plan, apparmor: { ...plan.apparmor, allowRawSockets: true } };
    const text = toAppArmorProfile(raw);
    expect(text).not.toContain('deny network raw');
    expect(text).not.toContain('deny network packet');
    expect(compile(text).status).toBe(0);
  });

  it('refuses a profile name that could inject rules', async () => {
    const { plan } = await loadPolicy('untrusted');
    const bad: HardeningPlan = { ...plan, apparmor: { ...plan.apparmor, profileName: 'x { capability, }' } };
    expect(() => toAppArmorProfile(bad)).toThrow(/unsafe AppArmor profile name/);
  });
});
