import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

/** Stopped containers beyond which the engine holds sprawl worth cleaning (docker-bench's threshold). */
export const STOPPED_CONTAINERS_LIMIT = 25;

export const containerSprawl: Rule<HostFacts> = {
  meta: {
    id: 'HS028',
    slug: 'container-sprawl',
    target: 'host',
    severity: 'info',
    title: 'Many stopped containers',
    rationale: 'Stopped containers keep their writable layers, environment (secrets included) and logs on disk, and can be started again with the configuration they had: old, unreviewed workloads one command away.',
    fix: 'Remove what is no longer needed (`docker container prune`), and start short-lived containers with --rm.',
    cis: ['6.2'],
  },
  check: (h) =>
    h.containersStopped > STOPPED_CONTAINERS_LIMIT ? [{ message: `engine ${h.endpoint} holds ${h.containersStopped} stopped containers (more than ${STOPPED_CONTAINERS_LIMIT})` }] : [],
};
