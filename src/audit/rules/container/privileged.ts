import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const privileged: Rule<ContainerFacts> = {
  meta: {
    id: 'CT001',
    slug: 'privileged',
    target: 'container',
    severity: 'critical',
    title: 'Container runs privileged',
    rationale:
      'A privileged container gets every capability, every host device, and no seccomp, AppArmor or device-cgroup confinement. Anything running in it can load kernel modules, mount the host disks and take over the host; it is root on the host in all but name.',
    fix: 'Recreate the container without --privileged. Add back only the capabilities (--cap-add) and devices (--device) the workload needs, or run it with `bulkhead run` under a policy.',
    references: ['https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities'],
    cis: ['5.5'],
    example: { bad: 'docker run -d --privileged nginx', good: 'docker run -d --cap-drop ALL --cap-add NET_BIND_SERVICE nginx' },
  },
  check: (c) => (c.privileged ? [{ message: `container ${c.name} runs with --privileged: full host access` }] : []),
};
