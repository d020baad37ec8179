import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const aufsStorageDriver: Rule<HostFacts> = {
  meta: {
    id: 'HS025',
    slug: 'aufs-storage-driver',
    target: 'host',
    severity: 'medium',
    title: 'aufs storage driver',
    rationale: 'aufs is unmaintained, removed from current engines and has a history of kernel crashes and container isolation bugs.',
    fix: 'Move to overlay2 (export what must be kept, set "storage-driver": "overlay2", restart and re-pull).',
    cis: ['2.6'],
  },
  check: (h) => (h.storageDriver === 'aufs' ? [{ message: `engine ${h.endpoint} uses the aufs storage driver` }] : []),
};
