import type { Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';
import { isRootUser, namedUser } from '../../../users.js';
import { layerLocation, scannedLayers } from './_helpers.js';

/** The layer whose /etc/passwd the image ends up with, and the names that are uid 0 in it. */
function finalPasswd(facts: ImageFacts): { layer: ImageFacts['layers'][number]; rootNames: string[] } | undefined {
  let found: { layer: ImageFacts['layers'][number]; rootNames: string[] } | undefined;
  for (const { layer, scan } of scannedLayers(facts)) {
    if (scan.passwdRootNames !== undefined && facts.final.visible(layer.index, '/etc/passwd')) found = { layer, rootNames: scan.passwdRootNames };
  }
  return found;
}

export const rootUser: Rule<ImageFacts> = {
  meta: {
    id: 'IM007',
    slug: 'root-user',
    target: 'image',
    severity: 'medium',
    title: 'Image runs as root (USER unset, root, or a name that is uid 0)',
    rationale:
      'Without a USER, every container from the image starts as uid 0; so does a USER whose name the image\'s /etc/passwd maps to uid 0, whatever it is called. Root in a container is root on the host\'s kernel: one misconfiguration (a mounted socket, an added capability, a kernel bug) away from the host, and able to change everything inside the container.',
    fix: 'Create an unprivileged user and end the Dockerfile with `USER <uid>:<gid>` (numeric, so the runtime can check it is not 0). bulkhead run also forces a non-root uid under its built-in policies.',
    cis: ['4.1'],
    example: { bad: 'FROM alpine\nCMD ["app"]', good: 'FROM alpine\nRUN adduser -D -u 10001 app\nUSER 10001:10001\nCMD ["app"]' },
  },
  check(facts) {
    if (!facts.config) return [];
    const u = facts.config.user?.trim();
    if (isRootUser(u)) {
      return [{ message: u ? `the image runs as ${u} (root)` : 'the image has no USER: containers start as root', location: { path: 'config.User' }, key: 'user' }];
    }
    // a name the runtime will look up in the image's own /etc/passwd
    const name = namedUser(u);
    if (name === undefined) return [];
    const passwd = finalPasswd(facts);
    if (!passwd?.rootNames.includes(name)) return [];
    return [{ message: `the image runs as ${name}, which is uid 0 (root) in its /etc/passwd`, location: { ...layerLocation(passwd.layer, '/etc/passwd') }, key: 'user' }];
  },
};
