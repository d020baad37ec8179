import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const iptablesDisabled: Rule<HostFacts> = {
  meta: {
    id: 'HS024',
    slug: 'iptables-disabled',
    target: 'host',
    severity: 'medium',
    title: 'Engine may not manage iptables',
    rationale:
      'With --iptables=false the engine cannot install the rules that isolate container networks and implement icc=false and published-port bindings; people then open ports by hand, usually wider than needed.',
    fix: 'Remove "iptables": false (or --iptables=false) and let the engine manage its chains; filter in the DOCKER-USER chain.',
    cis: ['2.4'],
    example: { bad: '{ "iptables": false }', good: '{}' },
  },
  check: (h) => (h.daemon.iptables === false ? [{ message: `engine ${h.endpoint} runs with iptables management disabled` }] : []),
};
