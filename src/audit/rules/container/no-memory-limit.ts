import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const noMemoryLimit: Rule<ContainerFacts> = {
  meta: {
    id: 'CT013',
    slug: 'no-memory-limit',
    target: 'container',
    severity: 'medium',
    title: 'No memory limit',
    rationale:
      "Without --memory a container can use all of the host's memory: a leak or an attack in one container makes the kernel's OOM killer end processes of others, or of the engine itself.",
    fix: 'Set --memory (and --memory-swap equal to it, to forbid swap) to what the service needs plus headroom.',
    cis: ['5.11'],
    example: { bad: 'docker run -d app', good: 'docker run -d --memory 256m --memory-swap 256m app' },
  },
  check: (c) => (c.resources.memory > 0 ? [] : [{ message: `container ${c.name} has no memory limit` }]),
};
