import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const hostUtsNamespace: Rule<ContainerFacts> = {
  meta: {
    id: 'CT009',
    slug: 'host-uts-namespace',
    target: 'container',
    severity: 'medium',
    title: 'Host UTS namespace shared',
    rationale:
      'With --uts host the container can change the hostname and domain name of the host, which other services and logs rely on.',
    fix: 'Remove --uts host.',
    cis: ['5.21'],
    example: { bad: 'docker run -d --uts host app', good: 'docker run -d app' },
  },
  check: (c) => (c.namespaces.uts === 'host' ? [{ message: `container ${c.name} shares the host's UTS namespace` }] : []),
};
