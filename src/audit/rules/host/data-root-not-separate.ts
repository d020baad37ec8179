import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const dataRootNotSeparate: Rule<HostFacts> = {
  meta: {
    id: 'HS023',
    slug: 'data-root-not-separate',
    target: 'host',
    severity: 'low',
    title: 'Engine data root shares the root filesystem',
    rationale:
      'Images, container layers, volumes and logs live under the data root (/var/lib/docker). On the root filesystem, one container that fills its layer or its logs fills the disk the host needs to run, log in and recover.',
    fix: 'Put the data root on its own filesystem (a separate partition or LVM volume mounted at /var/lib/docker, or "data-root" in daemon.json pointing at one).',
    cis: ['1.1.1'],
  },
  check: (h) => (h.dataRoot && !h.dataRoot.separateMount ? [{ message: `engine data root ${h.dataRoot.path} is not a separate filesystem`, location: { path: h.dataRoot.path } }] : []),
};
