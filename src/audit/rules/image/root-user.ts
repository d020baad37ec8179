import type { Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';

/** USER values that mean root: unset, "root", uid 0, with or without a group. */
export function isRootUser(user: string | undefined): boolean {
  const u = (user ?? '').trim();
  if (u === '') return true;
  const name = u.split(':')[0];
  return name === 'root' || name === '0';
}

export const rootUser: Rule<ImageFacts> = {
  meta: {
    id: 'IM007',
    slug: 'root-user',
    target: 'image',
    severity: 'medium',
    title: 'Image runs as root (USER unset or root)',
    rationale:
      'Without a USER, every container from the image starts as uid 0. Root in a container is root on the host\'s kernel: one misconfiguration (a mounted socket, an added capability, a kernel bug) away from the host, and able to change everything inside the container.',
    fix: 'Create an unprivileged user and end the Dockerfile with `USER <uid>:<gid>` (numeric, so the runtime can check it is not 0). bulkhead run also forces a non-root uid under its built-in policies.',
    cis: ['4.1'],
    example: { bad: 'FROM alpine\nCMD ["app"]', good: 'FROM alpine\nRUN adduser -D -u 10001 app\nUSER 10001:10001\nCMD ["app"]' },
  },
  check(facts) {
    if (!facts.config || !isRootUser(facts.config.user)) return [];
    const u = facts.config.user?.trim();
    return [{ message: u ? `the image runs as ${u} (root)` : 'the image has no USER: containers start as root', location: { path: 'config.User' }, key: 'user' }];
  },
};
