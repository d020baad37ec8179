import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const swarmOverlayUnencrypted: Rule<HostFacts> = {
  meta: {
    id: 'HS031',
    slug: 'swarm-overlay-unencrypted',
    target: 'host',
    severity: 'medium',
    title: 'Swarm overlay network not encrypted',
    rationale:
      "Swarm encrypts its management traffic, but an overlay network's data plane (the VXLAN traffic between containers on different nodes) is plain text unless the network is created encrypted: anyone on the path between nodes reads and can inject container traffic.",
    fix: 'Create overlay networks with `--opt encrypted` (IPsec between nodes) and move services onto them; the ingress network can be recreated the same way (`docker network rm ingress`, then `docker network create --driver overlay --ingress --opt encrypted ingress`).',
    cis: ['7.3'],
    example: { bad: 'docker network create -d overlay backend', good: 'docker network create -d overlay --opt encrypted backend' },
  },
  check: (h) =>
    (h.swarm?.overlayNetworks ?? [])
      .filter((n) => !n.encrypted)
      .map((n) => ({ message: `overlay network ${n.name}${n.ingress ? ' (the routing-mesh ingress network)' : ''} is not encrypted`, key: n.name })),
};
