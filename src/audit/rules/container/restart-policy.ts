import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { factKnown } from '../../container/predicates.js';

export const restartPolicy: Rule<ContainerFacts> = {
  meta: {
    id: 'CT021',
    slug: 'restart-policy',
    target: 'container',
    severity: 'low',
    title: 'Unbounded restart policy',
    rationale:
      'With restart always, unless-stopped or on-failure without a maximum, a container that crashes (or is crashed on purpose) restarts forever: a denial-of-service loop on the host, and an exploit gets unlimited attempts.',
    fix: 'Use --restart on-failure:5, or let an orchestrator with back-off restart the service.',
    cis: ['5.15'],
    example: { bad: 'docker run -d --restart always app', good: 'docker run -d --restart on-failure:5 app' },
  },
  check: (c) => {
    // the kubelet restarts with an exponential back-off: the engine's restart loop does not apply
    if (!factKnown(c, 'restart')) return [];
    const { name, maxRetries } = c.restart;
    if (name === 'always' || name === 'unless-stopped') return [{ message: `container ${c.name} has restart policy ${name}` }];
    if (name === 'on-failure' && maxRetries <= 0) return [{ message: `container ${c.name} restarts on failure with no maximum retry count` }];
    return [];
  },
};
