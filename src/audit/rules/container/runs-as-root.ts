import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { isRootUser, namedUser } from '../../../users.js';
import { containerRunsAsRoot, factKnown, rootIsRemapped } from '../../container/predicates.js';

export const runsAsRootUser: Rule<ContainerFacts> = {
  meta: {
    id: 'CT019',
    slug: 'runs-as-root',
    target: 'container',
    severity: 'medium',
    title: 'Container runs as root',
    rationale:
      'A process running as uid 0 in the container (no user, root, or a name its /etc/passwd maps to uid 0) is uid 0 on the host unless user namespaces remap it: any escape, writable host mount or kernel bug then acts with root rights. Most services run fine as an unprivileged user.',
    fix: 'Set USER in the image or run with --user UID:GID (e.g. 65534:65534); enable userns-remap or a rootless engine to map root away on the host.',
    cis: ['4.1'],
    example: { bad: 'docker run -d app    # image without USER', good: 'docker run -d --user 65534:65534 app' },
  },
  check: (c) => {
    // a pod without runAsUser runs as the image's USER, or as non-root by runAsNonRoot (KS007 covers it)
    if (!factKnown(c, 'user')) return [];
    // uid 0 cannot be ruled out, nor proven: low, and a policy with runAsNonRoot decides (as kubelet does)
    const name = namedUser(c.user);
    if (c.userUidUnknown && c.userUid === undefined && (c.user === '' || (name !== undefined && name !== 'root'))) {
      const why = c.user === '' ? "sets no user: it runs as the image's USER, root unless the image sets one" : `runs as user ${c.user}, whose uid is the image's /etc/passwd entry (a name can be uid 0)`;
      return [{ message: `container ${c.name} ${why}; give a numeric --user UID:GID`, severity: 'low', key: 'unknown-uid' }];
    }
    if (!containerRunsAsRoot(c)) return [];
    const remapped = factKnown(c, 'engine') && rootIsRemapped(c);
    const who = !c.user ? ' (no user set)' : isRootUser(c.user) ? ` (user ${c.user})` : ` (user ${c.user}, uid 0 in its /etc/passwd)`;
    return [
      {
        message: `container ${c.name} runs as root${who}${remapped ? '; the engine maps root to an unprivileged host uid' : ''}`,
        ...(remapped ? { severity: 'low' as const } : {}),
      },
    ];
  },
};
