import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const defaultBridgeNetwork: Rule<ContainerFacts> = {
  meta: {
    id: 'CT030',
    slug: 'default-bridge-network',
    target: 'container',
    severity: 'low',
    title: 'Container on the default bridge network',
    rationale:
      'Every container on the default bridge (docker0) can reach every other one there, unless the daemon runs with icc=false, and that network has no name resolution to scope who talks to whom. User-defined networks isolate groups of containers from each other.',
    fix: 'Create a network per application (docker network create app) and attach its containers with --network app; use --network none for containers that need no network.',
    cis: ['5.30'],
    example: { bad: 'docker run -d app', good: 'docker network create app-net && docker run -d --network app-net app' },
  },
  check: (c) =>
    c.namespaces.network === 'default' || c.namespaces.network === 'bridge' ? [{ message: `container ${c.name} is on the default bridge network` }] : [],
};
