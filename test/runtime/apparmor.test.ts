import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../src/errors.js';
import { decideAppArmor, loadWithApparmorParser, probeAppArmor, type AppArmorHost } from '../../src/runtime/apparmor.js';
import { untrustedPlan } from './plans.js';

function planWith(mode: 'required' | 'preferred' | 'disabled') {
  const p = untrustedPlan();
  return { ...p, apparmor: { ...p.apparmor, mode } };
}

function host(reason: string | undefined, loadError?: string): AppArmorHost & { loaded: string[] } {
  const loaded: string[] = [];
  return {
    loaded,
    unavailableReason: () => reason,
    load: async (text) => {
      if (loadError) throw new Error(loadError);
      loaded.push(text);
    },
  };
}

const render = () => 'profile bulkhead-untrusted flags=(attach_disconnected) {}';

describe('AppArmor decision', () => {
  it('enabled host: the profile is loaded and enforced', async () => {
    const h = host(undefined);
    const d = await decideAppArmor(planWith('required'), h, render, { load: true });
    expect(d).toEqual({ profileName: 'bulkhead-untrusted', summary: 'enforced (profile bulkhead-untrusted)' });
    expect(h.loaded).toEqual([render()]);
  });
  it('enabled host, dry run: enforced, but nothing loaded', async () => {
    const h = host(undefined);
    expect((await decideAppArmor(planWith('preferred'), h, render, { load: false })).profileName).toBe('bulkhead-untrusted');
    expect(h.loaded).toEqual([]);
  });
  it('no AppArmor, required: refused with the reason', async () => {
    const err = await decideAppArmor(planWith('required'), host('the kernel has no AppArmor module'), render, { load: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkheadError);
    expect((err as BulkheadError).kind).toBe('refused');
    expect((err as BulkheadError).message).toBe(
      'refused: policy untrusted requires AppArmor, but the kernel has no AppArmor module; run on a host with AppArmor enabled or use a policy with apparmor preferred',
    );
  });
  it('no AppArmor, preferred: one warning, no profile claimed', async () => {
    const d = await decideAppArmor(planWith('preferred'), host('the kernel has no AppArmor module'), render, { load: true });
    expect(d.profileName).toBeUndefined();
    expect(d.warning).toBe('warning: running without AppArmor: the kernel has no AppArmor module (policy untrusted prefers it)');
  });
  it('loading fails, preferred: warns; required: refuses', async () => {
    const pref = await decideAppArmor(planWith('preferred'), host(undefined, 'syntax error'), render, { load: true });
    expect(pref.profileName).toBeUndefined();
    expect(pref.warning).toContain('loading profile bulkhead-untrusted failed: syntax error');
    await expect(decideAppArmor(planWith('required'), host(undefined, 'syntax error'), render, { load: true })).rejects.toThrow(/requires AppArmor/);
  });
  it('disabled: nothing asked, nothing said', async () => {
    const h = host('absent');
    expect(await decideAppArmor(planWith('disabled'), h, render, { load: true })).toEqual({ summary: 'disabled by policy' });
  });
});

describe('probeAppArmor', () => {
  const files = (m: Record<string, string>) => (p: string) => m[p];
  it.each<[string, Record<string, string>, boolean, string | undefined]>([
    ['enabled', { '/sys/module/apparmor/parameters/enabled': 'Y\n' }, true, undefined],
    ['no module', {}, true, 'the kernel has no AppArmor module (/sys/module/apparmor is absent)'],
    ['disabled', { '/sys/module/apparmor/parameters/enabled': 'N\n' }, true, 'AppArmor is disabled in the kernel (/sys/module/apparmor/parameters/enabled is N)'],
    ['no securityfs', { '/sys/module/apparmor/parameters/enabled': 'Y' }, false, 'securityfs does not expose /sys/kernel/security/apparmor'],
  ])('%s', (_name, m, securityfs, expected) => {
    expect(probeAppArmor(files(m), () => securityfs)).toBe(expected);
  });
});

describe('loadWithApparmorParser', () => {
  it('reports the parser failure in one line (here: no AppArmor in the kernel, or a syntax error)', async () => {
    const err = await loadWithApparmorParser('profile bulkhead-test-broken {').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^apparmor_parser/);
    expect((err as Error).message).not.toContain('\n');
  });
});
