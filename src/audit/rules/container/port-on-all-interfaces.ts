import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { allInterfaces } from '../../container/predicates.js';

export const portOnAllInterfaces: Rule<ContainerFacts> = {
  meta: {
    id: 'CT022',
    slug: 'port-on-all-interfaces',
    target: 'container',
    severity: 'medium',
    title: 'Port published on all interfaces',
    rationale:
      "-p 8080:80 binds 0.0.0.0 (and ::): the port is reachable from every network the host is on, and Docker's iptables rules bypass host firewalls such as ufw. Binding to one address keeps internal services internal.",
    fix: 'Publish on a specific address, e.g. -p 127.0.0.1:8080:80, or put the service behind a reverse proxy.',
    cis: ['5.14'],
    example: { bad: 'docker run -d -p 8080:80 nginx', good: 'docker run -d -p 127.0.0.1:8080:80 nginx' },
  },
  check: (c) => {
    const seen = new Set<string>();
    return c.ports
      .filter((p) => allInterfaces(p.hostIp) && p.hostPort !== '')
      .filter((p) => {
        // one finding per port, not per address family
        const k = `${p.hostPort}/${p.containerPort}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      })
      .map((p) => ({ message: `container ${c.name} publishes ${p.containerPort} on all interfaces (host port ${p.hostPort})`, key: `${p.hostPort}:${p.containerPort}` }));
  },
};
