import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const hostIpcNamespace: Rule<ContainerFacts> = {
  meta: {
    id: 'CT008',
    slug: 'host-ipc-namespace',
    target: 'container',
    severity: 'medium',
    title: 'Host IPC namespace shared',
    rationale:
      'With --ipc host the container reads and writes the host shared memory segments and semaphores, which other processes use to exchange data.',
    fix: 'Remove --ipc host; share IPC between two containers with --ipc container:NAME or --ipc shareable when really needed.',
    cis: ['5.17'],
    example: { bad: 'docker run -d --ipc host app', good: 'docker run -d app' },
  },
  check: (c) => (c.namespaces.ipc === 'host' ? [{ message: `container ${c.name} shares the host's IPC namespace` }] : []),
};
