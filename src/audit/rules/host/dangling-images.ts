import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const danglingImages: Rule<HostFacts> = {
  meta: {
    id: 'HS018',
    slug: 'dangling-images',
    target: 'host',
    severity: 'info',
    title: 'Dangling images',
    rationale: 'Untagged (dangling) images are old builds nobody refers to: they use disk and keep outdated, possibly vulnerable software on the host where it can still be run by id.',
    fix: 'Remove them with `docker image prune` (scheduled, e.g. beside this audit).',
    cis: ['6.1'],
  },
  checkable: (h) => h.images !== undefined,
  check: (h) => (h.images && h.images.dangling > 0 ? [{ message: `engine ${h.endpoint} holds ${h.images.dangling} dangling image(s) of ${h.images.count}` }] : []),
};
