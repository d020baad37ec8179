import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../src/policy/load.js';
import { planHash } from '../../../src/policy/hash.js';
import type { HardeningPlan } from '../../../src/policy/plan.js';
import { containerFactsFromInspect, recordedPlan } from '../../../src/audit/container/normalize.js';
import { planDeviations } from '../../../src/audit/container/drift.js';
import { containerRules } from '../../../src/audit/rules/container/index.js';
import type { ContainerFacts } from '../../../src/audit/container/facts.js';
import { hardenedFacts } from './facts-fixture.js';

let plan: HardeningPlan;

/** The live facts of a container started exactly as `bulkhead run` would start it from `plan`. */
function asPlanned(p: HardeningPlan, overrides: Partial<ContainerFacts> = {}): ContainerFacts {
  const labels = { 'io.bulkhead.policy': p.policyName, 'io.bulkhead.plan': JSON.stringify(p), 'io.bulkhead.plan-hash': planHash(p) };
  return hardenedFacts({
    capAdd: p.capabilities.add.map((c) => c.replace(/^CAP_/, '')),
    capDrop: ['ALL'],
    user: `${p.user.uid}:${p.user.gid}`,
    readOnlyRootfs: p.readOnlyRootFilesystem,
    resources: {
      memory: p.resources.memoryBytes,
      memorySwap: p.resources.memorySwapBytes,
      nanoCpus: p.resources.nanoCpus,
      cpuQuota: 0,
      cpuShares: 0,
      pidsLimit: p.resources.pidsLimit,
      ulimits: p.resources.ulimits.map((u) => ({ ...u })),
    },
    securityOpt: p.noNewPrivileges ? ['no-new-privileges:true'] : [],
    namespaces: { pid: 'private', network: p.network.mode, ipc: 'private', uts: '', userns: '', cgroupns: 'private' },
    restart: p.restart.policy === 'on-failure' ? { name: 'on-failure', maxRetries: p.restart.maxRetries } : { name: 'no', maxRetries: 0 },
    labels,
    recordedPlan: recordedPlan(labels)!,
    ...overrides,
  });
}

const drift = containerRules.find((r) => r.meta.id === 'CT027')!;
const label = containerRules.find((r) => r.meta.id === 'CT028')!;

beforeAll(async () => {
  plan = (await loadPolicy('default')).plan;
});

describe('policy drift (CT027)', () => {
  it('a container that matches its plan has no deviation', () => {
    expect(planDeviations(plan, asPlanned(plan))).toEqual([]);
    expect(drift.check(asPlanned(plan))).toEqual([]);
  });

  const cases: Array<[string, (p: HardeningPlan) => Partial<ContainerFacts>, string]> = [
    ['memory raised by docker update', (p) => ({ resources: { ...asPlanned(p).resources, memory: p.resources.memoryBytes * 4 } }), 'resources.memory'],
    ['pids limit removed', (p) => ({ resources: { ...asPlanned(p).resources, pidsLimit: null } }), 'resources.pidsLimit'],
    ['CPU limit removed', (p) => ({ resources: { ...asPlanned(p).resources, nanoCpus: 0 } }), 'resources.cpus'],
    ['capability added beyond the allowlist', () => ({ capAdd: ['SYS_ADMIN'] }), 'capabilities.add.SYS_ADMIN'],
    ['capabilities not dropped', () => ({ capDrop: [] }), 'capabilities.drop'],
    ['runs as root', () => ({ user: '' }), 'user'],
    ['runs as a name that is uid 0 in its /etc/passwd', () => ({ user: 'admin', userUid: 0 }), 'user'],
    ['root filesystem writable', () => ({ readOnlyRootfs: false }), 'readOnlyRootFilesystem'],
    ['no-new-privileges gone', () => ({ securityOpt: [] }), 'noNewPrivileges'],
    ['seccomp unconfined', () => ({ securityOpt: ['no-new-privileges:true', 'seccomp=unconfined'] }), 'seccomp'],
    ['host network', () => ({ namespaces: { pid: '', network: 'host', ipc: '', uts: '', userns: '', cgroupns: '' } }), 'network.mode'],
    ['restart always', () => ({ restart: { name: 'always', maxRetries: 0 } }), 'restart'],
    ['privileged', () => ({ privileged: true }), 'privileged'],
  ];
  it.each(cases)('reports %s', (_name, change, field) => {
    const facts = asPlanned(plan, change(plan));
    const findings = drift.check(facts);
    expect(findings.map((f) => f.key)).toContain(field);
    expect(findings.find((f) => f.key === field)?.message).toMatch(/drifted from policy default/);
  });

  it('a named user is judged by its uid when known', () => {
    expect(planDeviations(plan, asPlanned(plan, { user: 'admin', userUid: 0 }))).toEqual([{ field: 'user', expected: `non-root (${plan.user.uid}:${plan.user.gid})`, actual: 'admin (uid 0)' }]);
    expect(planDeviations(plan, asPlanned(plan, { user: 'app', userUid: 1000 }))).toEqual([]);
  });

  it('stays silent for containers without io.bulkhead labels', () => {
    expect(drift.check(hardenedFacts({ privileged: true }))).toEqual([]);
    expect(label.check(hardenedFacts())).toEqual([]);
  });
});

describe('recorded plan label (CT028)', () => {
  it('accepts the hash bulkhead run records, whatever the key order', () => {
    expect(label.check(asPlanned(plan))).toEqual([]);
  });

  it('reports a plan edited after the hash was taken', () => {
    const edited = { ...plan, readOnlyRootFilesystem: false };
    const labels = { 'io.bulkhead.policy': 'default', 'io.bulkhead.plan': JSON.stringify(edited), 'io.bulkhead.plan-hash': planHash(plan) };
    const [f] = label.check(asPlanned(plan, { labels, recordedPlan: recordedPlan(labels)! }));
    expect(f?.message).toMatch(/does not match io\.bulkhead\.plan-hash/);
  });

  it('reports a plan label that is not JSON, and a missing hash', () => {
    const bad = recordedPlan({ 'io.bulkhead.policy': 'default', 'io.bulkhead.plan': '{oops', 'io.bulkhead.plan-hash': 'abc' })!;
    expect(label.check(hardenedFacts({ recordedPlan: bad }))[0]?.message).toMatch(/io\.bulkhead\.plan is not JSON/);
    const noHash = recordedPlan({ 'io.bulkhead.plan': JSON.stringify(plan) })!;
    expect(label.check(hardenedFacts({ recordedPlan: noHash }))[0]?.message).toMatch(/plan-hash is missing/);
  });

  it('reads labels from inspect output', () => {
    const facts = containerFactsFromInspect(
      {
        Id: 'abc',
        Name: '/x',
        Image: 'sha256:1',
        State: { Running: true, Status: 'running' },
        HostConfig: { CapAdd: ['CAP_NET_ADMIN'], CapDrop: ['ALL'] },
        Config: { Labels: { 'io.bulkhead.plan': JSON.stringify(plan), 'io.bulkhead.plan-hash': planHash(plan) }, Env: ['A=b=c'], Image: 'img' },
        Mounts: [],
      } as never,
      { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' },
    );
    expect(facts.capAdd).toEqual(['NET_ADMIN']);
    expect(facts.env).toEqual([{ name: 'A', value: 'b=c' }]);
    expect(facts.recordedPlan?.plan?.policyName).toBe('default');
    expect(facts.recordedPlan?.actualHash).toBe(planHash(plan));
  });
});
