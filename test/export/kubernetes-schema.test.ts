/**
 * What `policy export --to kubernetes` writes is valid Kubernetes: each exported PodTemplate and
 * each patched workload is checked against the upstream OpenAPI schemas that kubernetes-models
 * ships (generated from the Kubernetes API, validated with ajv), for every built-in policy.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { PodTemplate } from 'kubernetes-models/v1/PodTemplate';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { runCli } from '../helpers/cli.js';

const POLICIES = ['default', 'untrusted', 'service'];

describe('exported Kubernetes objects validate against the Kubernetes schemas', () => {
  it.each(POLICIES)('the PodTemplate of --policy %s', async (policy) => {
    const dir = mkdtempSync(join(tmpdir(), 'export-k8s-schema-'));
    const out = join(dir, 'hardening.yaml');
    const r = await runCli(['policy', 'export', '--to', 'kubernetes', '--policy', policy, '-o', out, '--image', 'registry.example.com/app:1']);
    expect(r.code, r.stderr).toBe(0);
    const template = parseAllDocuments(readFileSync(out, 'utf8')).map((d) => d.toJS() as Record<string, unknown>).find((d) => d.kind === 'PodTemplate');
    expect(template).toBeDefined();
    expect(() => new PodTemplate(template as ConstructorParameters<typeof PodTemplate>[0]).validate()).not.toThrow();
  });

  it('a schema violation is caught (the check is not vacuous)', () => {
    expect(() => new PodTemplate({ metadata: { name: 'x' }, template: { spec: { containers: [{ name: 'a', securityContext: { runAsUser: 'root' } }] } } } as never).validate()).toThrow();
  });

  it.each(POLICIES)('a Deployment and a CronJob patched with --policy %s', async (policy) => {
    const dir = mkdtempSync(join(tmpdir(), 'export-k8s-schema-'));
    const src = join(dir, 'workloads.yaml');
    writeFileSync(
      src,
      [
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec:\n  selector: { matchLabels: { app: api } }\n  template:\n    metadata: { labels: { app: api } }\n    spec:\n      initContainers:\n        - { name: migrate, image: "api:1", securityContext: { runAsUser: 0, seccompProfile: { type: Unconfined } } }\n      containers:\n        - name: api\n          image: api:1\n          resources: { requests: { cpu: 100m } }\n          volumeMounts: [{ name: data, mountPath: /data }]\n      volumes: [{ name: data, emptyDir: {} }]\n',
        'apiVersion: batch/v1\nkind: CronJob\nmetadata: { name: nightly }\nspec:\n  schedule: "0 3 * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers: [{ name: job, image: "job:1" }]\n',
      ].join('---\n'),
    );
    const out = join(dir, 'hardened.yaml');
    const r = await runCli(['policy', 'export', '--to', 'kubernetes', '--policy', policy, '--patch', src, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const docs = parseAllDocuments(readFileSync(out, 'utf8')).map((d) => d.toJS() as Record<string, unknown>);
    // one `---` between documents: no empty document from a doubled marker
    expect(docs.map((d) => d?.kind)).toEqual(['Deployment', 'CronJob']);
    const deployment = docs.find((d) => d.kind === 'Deployment');
    const cronJob = docs.find((d) => d.kind === 'CronJob');
    expect(() => new Deployment(deployment as ConstructorParameters<typeof Deployment>[0]).validate()).not.toThrow();
    expect(() => new CronJob(cronJob as ConstructorParameters<typeof CronJob>[0]).validate()).not.toThrow();
  });
});
