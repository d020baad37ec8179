import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const rootUserImages: Rule<HostFacts> = {
  meta: {
    id: 'HS017',
    slug: 'root-user-images',
    target: 'host',
    severity: 'low',
    title: 'Images that run as root',
    rationale: 'An image without a non-root USER runs its process as root unless every `docker run` remembers --user. Images on the host are what the next container will be started from.',
    fix: 'Add a USER instruction with a non-root uid to the Dockerfile of each image (bulkhead audit dockerfile and audit image report it at build time).',
    cis: ['4.1'],
  },
  checkable: (h) => h.images !== undefined,
  check: (h) => (h.images?.rootUser ?? []).map((ref) => ({ message: `image ${ref} runs as root (no non-root USER)`, key: ref })),
};
