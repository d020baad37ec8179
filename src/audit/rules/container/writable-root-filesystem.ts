import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const writableRootFilesystem: Rule<ContainerFacts> = {
  meta: {
    id: 'CT020',
    slug: 'writable-root-filesystem',
    target: 'container',
    severity: 'low',
    title: 'Root filesystem writable',
    rationale:
      'A writable root filesystem lets an intruder drop tools, change binaries and persist across process restarts, and lets the container drift from its image. Read-only roots with tmpfs for scratch space make the image the only source of code.',
    fix: 'Run with --read-only and mount tmpfs (--tmpfs /tmp:rw,noexec,nosuid,nodev) or volumes where the service writes.',
    cis: ['5.13'],
    example: { bad: 'docker run -d app', good: 'docker run -d --read-only --tmpfs /tmp:rw,noexec,nosuid,nodev app' },
  },
  check: (c) => (c.readOnlyRootfs ? [] : [{ message: `container ${c.name} has a writable root filesystem` }]),
};
