import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const sharedMountPropagation: Rule<ContainerFacts> = {
  meta: {
    id: 'CT023',
    slug: 'shared-mount-propagation',
    target: 'container',
    severity: 'medium',
    title: 'Mount propagation shared',
    rationale: 'A bind mount with shared (or rshared) propagation passes mounts made inside the container back to the host, so a container can change what the host sees under that path.',
    fix: 'Use the default private propagation; if a mount must see host mounts, use rslave.',
    cis: ['5.20'],
    example: { bad: 'docker run -d -v /srv/data:/data:rshared app', good: 'docker run -d -v /srv/data:/data app' },
  },
  check: (c) =>
    c.mounts
      .filter((m) => m.propagation === 'shared' || m.propagation === 'rshared')
      .map((m) => ({ message: `container ${c.name} mounts ${m.source} with ${m.propagation} propagation`, location: { path: m.destination }, key: m.destination })),
};
