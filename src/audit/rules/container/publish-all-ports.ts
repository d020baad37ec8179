import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { allInterfaces } from '../../container/predicates.js';

export const publishAllPorts: Rule<ContainerFacts> = {
  meta: {
    id: 'CT035',
    slug: 'publish-all-ports',
    target: 'container',
    severity: 'medium',
    title: 'All exposed ports published (-P)',
    rationale:
      "-P publishes every port the image EXPOSEs on a random host port of every interface, so what is reachable from the network is decided by the image's author, not by the person who runs it, and it changes when the image does. A create request carries no port bindings for -P, so nothing else here sees those ports until the container runs.",
    fix: 'Publish only the ports the service needs, on one address: -p 127.0.0.1:8080:80 instead of -P.',
    cis: ['5.9'],
    example: { bad: 'docker run -d -P nginx', good: 'docker run -d -p 127.0.0.1:8080:80 nginx' },
  },
  check: (c) => {
    if (c.publishAllPorts !== true) return [];
    // a running container shows the ports -P bound: CT022 reports each of them
    if (c.ports.some((p) => allInterfaces(p.hostIp) && p.hostPort !== '')) return [];
    return [{ message: `container ${c.name} publishes all its exposed ports on every interface (-P)` }];
  },
};
