import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const userlandProxyEnabled: Rule<HostFacts> = {
  meta: {
    id: 'HS019',
    slug: 'userland-proxy-enabled',
    target: 'host',
    severity: 'low',
    title: 'Userland proxy enabled',
    rationale: 'With the userland proxy (the default) a docker-proxy process listens for every published port; hairpin NAT in the kernel does the same with less code on the path and fewer processes running as root.',
    fix: 'Set "userland-proxy": false in daemon.json, then restart the engine.',
    cis: ['2.16'],
    example: { bad: '{}', good: '{ "userland-proxy": false }' },
  },
  check: (h) => (h.daemon.userlandProxy === true ? [{ message: `engine ${h.endpoint} uses the userland proxy for published ports` }] : []),
};
