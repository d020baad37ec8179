import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { factKnown, unlimitedPids } from '../../container/predicates.js';

export const noPidsLimit: Rule<ContainerFacts> = {
  meta: {
    id: 'CT015',
    slug: 'no-pids-limit',
    target: 'container',
    severity: 'medium',
    title: 'No PIDs limit',
    rationale: 'Without --pids-limit a fork bomb in one container exhausts the host process table, and no new process (including sshd or the engine) can start.',
    fix: 'Set --pids-limit to a few times the number of processes the service runs (e.g. 256).',
    cis: ['5.29'],
    example: { bad: 'docker run -d app', good: 'docker run -d --pids-limit 256 app' },
  },
  check: (c) => (factKnown(c, 'pidsLimit') && unlimitedPids(c.resources.pidsLimit) ? [{ message: `container ${c.name} has no PIDs limit` }] : []),
};
