import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const seccompUnavailable: Rule<HostFacts> = {
  meta: {
    id: 'HS014',
    slug: 'seccomp-unavailable',
    target: 'host',
    severity: 'high',
    title: 'Seccomp not available to the engine',
    rationale: 'Without seccomp the engine cannot filter system calls: every container reaches the full kernel interface, including the calls most kernel exploits use.',
    fix: 'Use a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER and an engine built with seccomp support.',
    cis: ['5.22'],
  },
  check: (h) => (h.confinement.seccomp ? [] : [{ message: `engine ${h.endpoint} reports no seccomp support` }]),
};
