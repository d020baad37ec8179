import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const hostPidNamespace: Rule<ContainerFacts> = {
  meta: {
    id: 'CT006',
    slug: 'host-pid-namespace',
    target: 'container',
    severity: 'high',
    title: 'Host PID namespace shared',
    rationale:
      'With --pid host the container sees every host process, can signal them and, as root, read their memory and environment through /proc (secrets included). Tools like nsenter then reach every namespace of the host.',
    fix: 'Remove --pid host; debug with `docker exec` or a dedicated sidecar sharing only the target container PID namespace (--pid container:NAME).',
    cis: ['5.16'],
    example: { bad: 'docker run -d --pid host app', good: 'docker run -d app' },
  },
  check: (c) => (c.namespaces.pid === 'host' ? [{ message: `container ${c.name} shares the host's PID namespace` }] : []),
};
