import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const usernsRemapDisabled: Rule<HostFacts> = {
  meta: {
    id: 'HS002',
    slug: 'userns-remap-disabled',
    target: 'host',
    severity: 'medium',
    title: 'User namespace remapping not enabled',
    rationale:
      'Without userns-remap (or a rootless engine) uid 0 in every container is uid 0 on the host: a container escape, a writable host mount or a setuid file brought in through a volume acts as real root. Remapping maps container root to an unprivileged range of host uids.',
    fix: 'Set "userns-remap": "default" in /etc/docker/daemon.json and restart the engine (existing images are re-extracted), or run the engine rootless.',
    references: ['https://docs.docker.com/engine/security/userns-remap/'],
    cis: ['2.9'],
    example: { bad: '{}', good: '{ "userns-remap": "default" }' },
  },
  check: (h) => (h.confinement.userns || h.rootless ? [] : [{ message: `engine ${h.endpoint} does not remap user namespaces: container root is host root` }]),
};
