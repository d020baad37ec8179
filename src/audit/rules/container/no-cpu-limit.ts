import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const noCpuLimit: Rule<ContainerFacts> = {
  meta: {
    id: 'CT014',
    slug: 'no-cpu-limit',
    target: 'container',
    severity: 'low',
    title: 'No CPU limit or share',
    rationale: 'Without --cpus (or a CPU quota or shares) a busy or hijacked container (a crypto miner, say) starves every other container and the host of CPU time.',
    fix: 'Set --cpus to what the service needs, or --cpu-shares to weigh it against its neighbours.',
    cis: ['5.12'],
    example: { bad: 'docker run -d app', good: 'docker run -d --cpus 1 app' },
  },
  check: (c) => {
    const r = c.resources;
    const shares = r.cpuShares > 0 && r.cpuShares !== 1024;
    return r.nanoCpus > 0 || r.cpuQuota > 0 || shares ? [] : [{ message: `container ${c.name} has no CPU limit or share` }];
  },
};
