import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { factKnown } from '../../container/predicates.js';

export const hostCgroupNamespace: Rule<ContainerFacts> = {
  meta: {
    id: 'CT011',
    slug: 'host-cgroup-namespace',
    target: 'container',
    severity: 'low',
    title: 'Host cgroup namespace shared',
    rationale:
      "With --cgroupns host the container sees the host's whole cgroup hierarchy, which leaks the host's process layout and eases escapes that write to cgroup files. On cgroup v1 hosts the engine shares it by default, so the rule only fires on cgroup v2 where sharing is an explicit choice.",
    fix: 'Remove --cgroupns host (private is the default on cgroup v2).',
    cis: [],
    example: { bad: 'docker run -d --cgroupns host app', good: 'docker run -d --cgroupns private app' },
  },
  check: (c) =>
    c.namespaces.cgroupns === 'host' && factKnown(c, 'engine') && c.engine.cgroupVersion === '2' ? [{ message: `container ${c.name} shares the host's cgroup namespace` }] : [],
};
