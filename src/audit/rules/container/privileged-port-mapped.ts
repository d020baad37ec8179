import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const privilegedPortMapped: Rule<ContainerFacts> = {
  meta: {
    id: 'CT031',
    slug: 'privileged-port-mapped',
    target: 'container',
    severity: 'low',
    title: 'Privileged host port mapped',
    rationale:
      'Host ports below 1024 are meant for services the administrator started (ssh, a web server, DNS). Publishing a container on one lets it take the place such a service would have, and clients trust those ports more.',
    fix: 'Publish on a port of 1024 or above and let a reverse proxy or load balancer own the privileged port.',
    cis: ['5.8'],
    example: { bad: 'docker run -d -p 80:8080 app', good: 'docker run -d -p 8080:8080 app' },
  },
  check: (c) => {
    const seen = new Set<string>();
    return c.ports
      .filter((p) => /^\d+$/.test(p.hostPort) && Number(p.hostPort) > 0 && Number(p.hostPort) < 1024)
      .filter((p) => !seen.has(p.hostPort) && (seen.add(p.hostPort), true))
      .map((p) => ({ message: `container ${c.name} publishes ${p.containerPort} on privileged host port ${p.hostPort}`, key: p.hostPort }));
  },
};
