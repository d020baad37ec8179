import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const rootfulDaemon: Rule<HostFacts> = {
  meta: {
    id: 'HS016',
    slug: 'rootful-daemon',
    target: 'host',
    severity: 'info',
    title: 'Engine runs as root',
    rationale: 'A rootful engine turns any escape from a container, and any access to its socket, into root on the host. Rootless mode runs the engine and its containers as an ordinary user, at the cost of some features.',
    fix: 'Where the workloads allow it, run the engine rootless (dockerd-rootless-setuptool.sh install).',
    references: ['https://docs.docker.com/engine/security/rootless/'],
    cis: ['2.1'],
  },
  check: (h) => (h.rootless ? [] : [{ message: `engine ${h.endpoint} runs as root (not rootless)` }]),
};
