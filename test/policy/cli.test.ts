import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load as parseYaml } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { loadPolicy } from '../../src/policy/load.js';
import { planHash } from '../../src/policy/hash.js';
import type { SeccompProfile } from '../../src/profiles/seccomp.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-policy-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = join(dir, 'good.yaml');
writeFileSync(good, 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata: {name: good}\nextends: untrusted\nresources:\n  limits:\n    pids: 32\n');
const bad = join(dir, 'bad.yaml');
writeFileSync(bad, 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata: {name: bad}\nresources:\n  limits:\n    memory: lots\n');
const loose = join(dir, 'loose.yaml');
writeFileSync(loose, 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata: {name: loose}\nextends: untrusted\nnetwork: {mode: bridge, allowPublish: true}\n');

describe('bulkhead policy', () => {
  it('list shows the three built-ins with their descriptions', async () => {
    const r = await runCli(['policy', 'list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(['default', 'sandboxed', 'service', 'untrusted']);
    expect(r.stdout).toContain('(extends default)');
    const json = JSON.parse((await runCli(['policy', 'list', '--format', 'json'])).stdout) as Array<{ name: string; extends: string | null }>;
    expect(json.find((p) => p.name === 'service')?.extends).toBe('default');
  });

  it('show prints the resolved policy and its plan as YAML by default', async () => {
    const r = await runCli(['policy', 'show', 'service']);
    expect(r.code).toBe(0);
    const doc = parseYaml(r.stdout) as { name: string; chain: string[]; planHash: string; policy: { network: { mode: string } }; plan: { restart: unknown } };
    expect(doc.name).toBe('service');
    expect(doc.chain).toEqual(['policies/service.yaml', 'policies/default.yaml']);
    expect(doc.policy.network.mode).toBe('bridge');
    expect(doc.plan.restart).toEqual({ policy: 'on-failure', maxRetries: 5 });
    expect(doc.planHash).toBe(planHash((await loadPolicy('service')).plan));
  });

  it('show --format json of a file, and of the default when no name is given', async () => {
    const r = await runCli(['policy', 'show', good, '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { source: string; plan: { resources: { pidsLimit: number } } };
    expect(doc.source).toBe(good);
    expect(doc.plan.resources.pidsLimit).toBe(32);
    const d = JSON.parse((await runCli(['policy', 'show', '-f', 'json'])).stdout) as { name: string };
    expect(d.name).toBe('default');
  });

  it('show of an invalid policy exits 2 with one line naming file, field and line', async () => {
    const r = await runCli(['policy', 'show', bad]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`bulkhead: ${bad}: resources.limits.memory: must match /^[0-9]+[kmg]$/ (line 6)\n`);
  });

  it('validate prints one line per file and exits 2 when any is invalid', async () => {
    const r = await runCli(['policy', 'validate', good, bad, loose, 'untrusted']);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(`ok: ${good} (policy good, extends policies/untrusted.yaml)`);
    expect(lines[1]).toBe(`invalid: ${bad}: resources.limits.memory: must match /^[0-9]+[kmg]$/ (line 6)`);
    expect(lines[2]).toMatch(new RegExp(`^invalid: ${loose}: network\\.mode: loosens policies/untrusted\\.yaml \\(none -> bridge\\).* \\(line 5\\) \\(and 1 more\\)$`));
    expect(lines[3]).toBe('ok: untrusted (policy untrusted)');
  });

  it('validate exits 0 when every file is valid', async () => {
    const r = await runCli(['policy', 'validate', good, 'policies/service.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`ok: ${good} (policy good, extends policies/untrusted.yaml)\nok: policies/service.yaml (policy service, extends policies/default.yaml)\n`);
  });

  it('validate without files is a usage error', async () => {
    expect((await runCli(['policy', 'validate'])).code).toBe(2);
  });

  it('has help with examples', async () => {
    const r = await runCli(['policy', 'show', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
  });
});

describe('bulkhead profile', () => {
  it('seccomp prints the generated profile for a policy', async () => {
    const r = await runCli(['profile', 'seccomp', '--policy', 'untrusted']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as SeccompProfile;
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(r.stdout).toBe(readFileSync(new URL('../profiles/golden/untrusted.seccomp.json', import.meta.url), 'utf8'));
  });

  it('apparmor --output writes the file and says so on stderr', async () => {
    const out = join(dir, 'svc.apparmor');
    const r = await runCli(['profile', 'apparmor', '--policy', 'service', '--output', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`wrote AppArmor profile to ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(new URL('../profiles/golden/service.apparmor', import.meta.url), 'utf8'));
  });

  it('notes when the policy would not use the generated profile', async () => {
    const rd = join(dir, 'rd.yaml');
    writeFileSync(rd, 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata: {name: rd}\nsecurityContext:\n  seccompProfile: {type: RuntimeDefault}\n');
    const r = await runCli(['profile', 'seccomp', '-p', rd]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("runs with the engine's default seccomp profile");
  });

  it('an invalid policy exits 2; an unwritable output exits 2 with the path', async () => {
    expect((await runCli(['profile', 'seccomp', '--policy', bad])).code).toBe(2);
    const r = await runCli(['profile', 'apparmor', '--output', join(dir, 'no/such/dir/p')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`bulkhead: ${join(dir, 'no/such/dir/p')}: cannot write the AppArmor profile: ENOENT\n`);
  });
});
