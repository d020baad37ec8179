import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { planDeviations } from '../../container/drift.js';

export const policyDrift: Rule<ContainerFacts> = {
  meta: {
    id: 'CT027',
    slug: 'policy-drift',
    target: 'container',
    severity: 'high',
    title: 'Container drifted from its bulkhead policy',
    rationale:
      'A container started by `bulkhead run` records the hardening plan it was started with, sealed by its hash. `docker update`, a recreated container with copied labels or an edited compose file can loosen limits, capabilities or confinement afterwards without anyone re-reviewing the policy; each difference between the live configuration and the plan is reported.',
    fix: 'Recreate the container with `bulkhead run --policy NAME`, or change the policy (and have it reviewed) if the new setting is intended.',
    cis: [],
    example: { bad: 'bulkhead run --policy service -d app\ndocker update --memory 4g --memory-swap 4g <container>', good: 'bulkhead run --policy service -d app' },
  },
  check: (c) => {
    // an altered or unsealed plan proves nothing; CT028 reports it instead
    const plan = c.recordedPlan?.hashMatches ? c.recordedPlan.plan : undefined;
    if (!plan) return [];
    const policy = c.recordedPlan?.policyName ?? plan.policyName;
    return planDeviations(plan, c).map((d) => ({
      message: `container ${c.name} drifted from policy ${policy}: ${d.field} is ${d.actual}, plan says ${d.expected}`,
      key: d.field,
    }));
  },
};
