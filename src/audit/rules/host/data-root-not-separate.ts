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
  check: (h) => {
    const d = h.dataRoot;
    if (!d || d.device !== d.rootDevice) return [];
    const how = d.mountPoint ? 'is a mount point on the same device as / (a bind mount of a directory on the root filesystem)' : 'is on the root filesystem';
    return [{ message: `engine data root ${d.path} ${how}, so it is not a separate filesystem`, location: { path: d.path } }];
  },
};
