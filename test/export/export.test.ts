import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runCli } from '../helpers/cli.js';
import { auditManifests } from '../../src/audit/k8s/audit.js';
import { loadPolicy } from '../../src/policy/load.js';
import { toSeccompProfile } from '../../src/profiles/seccomp.js';

const WEBAPP = resolve('test/fixtures/compose/webapp');

describe('policy export --to compose', () => {
  it('the override carries every hardening field of the plan; base settings it cannot take away are listed with file:line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-compose-'));
    const out = join(dir, 'compose.bulkhead.yaml');
    const r = await runCli(['policy', 'export', '--to', 'compose', '--policy', 'service', '-o', out, join(WEBAPP, 'compose.yaml'), join(WEBAPP, 'compose.prod.yaml')]);
    expect(r.code).toBe(0);
    const doc = parse(readFileSync(out, 'utf8')) as { services: Record<string, Record<string, unknown>> };
    const plan = (await loadPolicy('service')).plan;
    expect(Object.keys(doc.services)).toEqual(['web', 'worker']);
    expect(doc.services.worker).toMatchObject({
      cap_drop: ['ALL'],
      cap_add: plan.capabilities.add,
      user: `${plan.user.uid}:${plan.user.gid}`,
      read_only: true,
      mem_limit: plan.resources.memoryBytes,
      memswap_limit: plan.resources.memorySwapBytes,
      pids_limit: plan.resources.pidsLimit,
      restart: `on-failure:${plan.restart.maxRetries}`,
    });
    // the service's own non-root user is kept
    expect(doc.services.web!.user).toBe('101:101');
    const seccomp = (doc.services.web!.security_opt as string[]).find((o) => o.startsWith('seccomp='))!.slice('seccomp='.length);
    expect(JSON.parse(readFileSync(seccomp, 'utf8'))).toEqual(JSON.parse(JSON.stringify(toSeccompProfile(plan))));
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/compose\.prod\.yaml:6: service web: security_opt seccomp:unconfined: an override cannot remove it/),
        expect.stringMatching(/common\.yaml:7: service worker: cap_add SYS_ADMIN: an override cannot remove it/),
        expect.stringMatching(/compose\.yaml:27: service worker: the engine socket \/var\/run\/docker\.sock is mounted/),
        expect.stringMatching(/compose\.prod\.yaml:8: service worker: network_mode host/),
      ]),
    );
  });

  it('--service limits the override; an unknown service is a usage error', async () => {
    const r = await runCli(['policy', 'export', '--to', 'compose', '--policy', 'default', '--seccomp-out', join(mkdtempSync(join(tmpdir(), 'x-')), 's.json'), '--service', 'web', join(WEBAPP, 'compose.yaml')]);
    expect(Object.keys((parse(r.stdout) as { services: object }).services)).toEqual(['web']);
    // the default policy has no network: network_mode none
    expect((parse(r.stdout) as { services: { web: { network_mode: string } } }).services.web.network_mode).toBe('none');
    const bad = await runCli(['policy', 'export', '--to', 'compose', '--service', 'nope', join(WEBAPP, 'compose.yaml')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--service nope: no such service/);
  });

  it('--merged: one complete file that audits clean of what the policy refuses, ${VAR} kept as written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-merged-'));
    const out = join(dir, 'compose.hardened.yaml');
    const r = await runCli(['policy', 'export', '--to', 'compose', '--merged', '--policy', 'service', '-o', out, join(WEBAPP, 'compose.yaml'), join(WEBAPP, 'compose.prod.yaml')]);
    expect(r.code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('image: registry.example.com/worker:${WORKER_TAG:?set WORKER_TAG in .env}');
    writeFileSync(join(dir, '.env'), 'WORKER_TAG=1\n');
    const audit = await runCli(['audit', 'compose', '-f', 'json', '--fail-on', 'never', out]);
    const ids = JSON.parse(audit.stdout).targets.flatMap((t: { findings: Array<{ ruleId: string }> }) => t.findings.map((f) => f.ruleId));
    for (const refused of ['CT001', 'CT002', 'CT003', 'CT004', 'CT007', 'CT013', 'CT015', 'CT016', 'CT018', 'CT020', 'CT021', 'CT022']) expect(ids, refused).not.toContain(refused);
  });
});

describe('policy export --to kubernetes', () => {
  it('the PodTemplate passes audit k8s --pss restricted; the SeccompProfile object matches the profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-k8s-'));
    const out = join(dir, 'hardening.yaml');
    const r = await runCli(['policy', 'export', '--to', 'kubernetes', '--policy', 'service', '-o', out, '--image', 'registry.example.com/app:1']);
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(readFileSync(out, 'utf8')).map((d) => d.toJS() as { kind: string; spec?: { syscalls: Array<{ names: string[] }> } });
    expect(docs.map((d) => d.kind)).toEqual(['PodTemplate', 'SeccompProfile']);
    const plan = (await loadPolicy('service')).plan;
    expect(docs[1]!.spec!.syscalls.flatMap((s) => s.names)).toEqual(toSeccompProfile(plan).syscalls.flatMap((s) => s.names));
    const targets = auditManifests([out], { cwd: dir, pss: 'restricted' });
    expect(targets.flatMap((t) => t.errors)).toEqual([]);
    // nothing but the probe the application has to define itself (CT029, info)
    expect(targets.flatMap((t) => t.findings.map((f) => `${f.ruleId} ${f.severity}`))).toEqual(['CT029 info']);
    expect(r.stderr).toMatch(/not carried: pids limit 256/);
  });

  it('--patch hardens every workload of a manifest, keeping its other fields and comments', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-patch-'));
    const src = join(dir, 'deploy.yaml');
    writeFileSync(
      src,
      '# the api\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec:\n  template:\n    spec:\n      automountServiceAccountToken: false\n      containers:\n        - name: api\n          image: api:1\n          readinessProbe: { httpGet: { path: /, port: 80 } }\n          securityContext: { runAsUser: 0 }\n          resources: { requests: { cpu: 100m } }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: api }\nspec: { ports: [{ port: 80 }] }\n',
    );
    const before = auditManifests([src], { cwd: dir, pss: 'restricted' }).flatMap((t) => t.findings.filter((f) => f.ruleId === 'KS009'));
    expect(before.length).toBeGreaterThan(3);
    const out = join(dir, 'deploy.hardened.yaml');
    const r = await runCli(['policy', 'export', '--to', 'kubernetes', '--policy', 'service', '--patch', src, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('patched Deployment/api');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('# the api');
    expect(text).toContain('kind: Service');
    const after = auditManifests([out], { cwd: dir, pss: 'restricted' });
    expect(after.flatMap((t) => t.findings.map((f) => f.ruleId))).toEqual([]);
  });
});
