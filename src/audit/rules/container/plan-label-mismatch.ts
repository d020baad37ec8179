import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const planLabelMismatch: Rule<ContainerFacts> = {
  meta: {
    id: 'CT028',
    slug: 'plan-label-mismatch',
    target: 'container',
    severity: 'high',
    title: 'Recorded policy plan missing or altered',
    rationale:
      'The io.bulkhead.plan label is what the drift check compares against, and io.bulkhead.plan-hash seals it. A plan that does not match its hash, cannot be read, or is missing was edited or copied by hand: the container can no longer be shown to follow any reviewed policy.',
    fix: 'Recreate the container with `bulkhead run`; never copy or edit io.bulkhead.* labels by hand.',
    cis: [],
    example: { bad: "docker run -d --label io.bulkhead.plan='{...edited...}' --label io.bulkhead.plan-hash=<copied> app", good: 'bulkhead run --policy service -d app' },
  },
  check: (c) => {
    const r = c.recordedPlan;
    if (!r) return [];
    if (r.problem) return [{ message: `container ${c.name}: ${r.problem}`, key: 'plan' }];
    if (r.hashLabel === undefined) return [{ message: `container ${c.name}: label io.bulkhead.plan-hash is missing`, key: 'hash' }];
    if (!r.hashMatches && r.actualHash !== undefined) {
      return [
        {
          message: `container ${c.name}: io.bulkhead.plan does not match io.bulkhead.plan-hash (label ${r.hashLabel.slice(0, 19)}, plan hashes to ${r.actualHash.slice(0, 12)})`,
          key: 'hash',
        },
      ];
    }
    return [];
  },
};
