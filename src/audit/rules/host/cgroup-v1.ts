import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const cgroupV1: Rule<HostFacts> = {
  meta: {
    id: 'HS015',
    slug: 'cgroup-v1',
    target: 'host',
    severity: 'info',
    title: 'Host uses cgroup v1',
    rationale:
      'On cgroup v1 containers share the host cgroup namespace by default, rootless engines cannot enforce resource limits, and some escapes (release_agent, CVE-2022-0492) target v1 only. cgroup v2 is the default of current distributions.',
    fix: 'Boot with systemd.unified_cgroup_hierarchy=1 (or upgrade to a distribution that defaults to cgroup v2) and restart the engine.',
    cis: [],
  },
  check: (h) => (h.confinement.cgroupVersion === '1' ? [{ message: `engine ${h.endpoint} runs on cgroup v1` }] : []),
};
