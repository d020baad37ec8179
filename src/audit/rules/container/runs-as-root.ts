import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { rootIsRemapped, runsAsRoot } from '../../container/predicates.js';

export const runsAsRootUser: Rule<ContainerFacts> = {
  meta: {
    id: 'CT019',
    slug: 'runs-as-root',
    target: 'container',
    severity: 'medium',
    title: 'Container runs as root',
    rationale:
      'A process running as uid 0 in the container is uid 0 on the host unless user namespaces remap it: any escape, writable host mount or kernel bug then acts with root rights. Most services run fine as an unprivileged user.',
    fix: 'Set USER in the image or run with --user UID:GID (e.g. 65534:65534); enable userns-remap or a rootless engine to map root away on the host.',
    cis: ['4.1'],
    example: { bad: 'docker run -d app    # image without USER', good: 'docker run -d --user 65534:65534 app' },
  },
  check: (c) => {
    if (!runsAsRoot(c.user)) return [];
    const remapped = rootIsRemapped(c);
    return [
      {
        message: `container ${c.name} runs as root${c.user ? ` (user ${c.user})` : ' (no user set)'}${remapped ? '; the engine maps root to an unprivileged host uid' : ''}`,
        ...(remapped ? { severity: 'low' as const } : {}),
      },
    ];
  },
};
