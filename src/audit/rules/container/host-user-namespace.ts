import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const hostUserNamespace: Rule<ContainerFacts> = {
  meta: {
    id: 'CT010',
    slug: 'host-user-namespace',
    target: 'container',
    severity: 'medium',
    title: 'Host user namespace shared',
    rationale:
      'With --userns host a container opts out of the engine user-namespace remapping: root in the container is root on the host again, which undoes the protection userns-remap gives every other container.',
    fix: 'Remove --userns host so the engine remapping applies.',
    cis: ['5.31'],
    example: { bad: 'docker run -d --userns host app', good: 'docker run -d app' },
  },
  check: (c) => (c.namespaces.userns === 'host' ? [{ message: `container ${c.name} shares the host's user namespace` }] : []),
};
