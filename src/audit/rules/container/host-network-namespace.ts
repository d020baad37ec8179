import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const hostNetworkNamespace: Rule<ContainerFacts> = {
  meta: {
    id: 'CT007',
    slug: 'host-network-namespace',
    target: 'container',
    severity: 'high',
    title: 'Host network namespace shared',
    rationale:
      'With --network host the container uses the host network stack: it binds any host port, reaches services listening on localhost only (including a TCP engine socket or cloud metadata proxies), and sniffs traffic with NET_RAW.',
    fix: 'Use a bridge or user-defined network and publish only the ports needed, bound to a specific interface.',
    cis: ['5.10'],
    example: { bad: 'docker run -d --network host app', good: 'docker run -d --network app-net -p 127.0.0.1:8080:8080 app' },
  },
  check: (c) => (c.namespaces.network === 'host' ? [{ message: `container ${c.name} shares the host's network namespace` }] : []),
};
