import { describe, expect, it } from 'vitest';
import { loadPolicy } from '../../../src/policy/load.js';
import { planDeviations } from '../../../src/audit/container/drift.js';
import { hardenedFacts } from './facts-fixture.js';

/** The runtime a run chose (io.bulkhead.runtime) against the live HostConfig.Runtime. */
describe('drift: the sandbox runtime', () => {
  it.each([
    ['sandboxed, runsc as chosen', 'sandboxed', 'runsc', 'runsc', []],
    ['sandboxed, started on runc', 'sandboxed', 'runsc', 'runc', [['sandbox.runtime', 'runsc', 'runc']]],
    ['sandboxed without the label, on runc', 'sandboxed', undefined, 'runc', [['sandbox.runtime', 'gVisor (runsc)', 'runc']]],
    ['untrusted on runc', 'untrusted', 'runc', 'runc', []],
    ['untrusted, the input does not say', 'untrusted', 'runc', undefined, []],
  ] as Array<[string, string, string | undefined, string | undefined, string[][]]>)('%s', async (_what, policy, chosen, live, expected) => {
    const plan = (await loadPolicy(policy, { cwd: '/' })).plan;
    const facts = hardenedFacts({ labels: chosen === undefined ? {} : { 'io.bulkhead.runtime': chosen }, ...(live === undefined ? {} : { runtime: live }) });
    const got = planDeviations(plan, facts).filter((d) => d.field === 'sandbox.runtime');
    expect(got.map((d) => [d.field, d.expected, d.actual])).toEqual(expected);
  });
});
