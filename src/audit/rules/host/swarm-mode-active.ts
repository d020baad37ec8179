import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const swarmModeActive: Rule<HostFacts> = {
  meta: {
    id: 'HS029',
    slug: 'swarm-mode-active',
    target: 'host',
    severity: 'low',
    title: 'Swarm mode enabled',
    rationale:
      'A node in a swarm opens the cluster management port (2377 on managers) and the node communication ports, accepts tasks the managers schedule onto it, and a manager holds the cluster state and its secrets. A host that does not run swarm services gains nothing from that and only widens what can be attacked.',
    fix: 'If this host does not need swarm mode, leave the swarm: `docker swarm leave` (on the last manager: `docker swarm leave --force`). If it does, keep this finding and harden the swarm (the HS030-HS033 checks).',
    cis: ['5.1'],
    example: { bad: 'docker swarm init', good: 'docker swarm leave --force' },
  },
  check: (h) => {
    if (!h.swarmActive) return [];
    const role = h.swarm?.manager ? 'a manager' : 'a worker';
    const size = h.swarm?.nodes !== undefined ? ` of a swarm of ${h.swarm.nodes} node(s)` : '';
    return [{ message: `engine ${h.endpoint} is in swarm mode (${role}${size}): leave the swarm if this host does not need it` }];
  },
};
