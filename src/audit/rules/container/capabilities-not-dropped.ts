import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const capabilitiesNotDropped: Rule<ContainerFacts> = {
  meta: {
    id: 'CT003',
    slug: 'capabilities-not-dropped',
    target: 'container',
    severity: 'medium',
    title: 'Default capabilities not dropped',
    rationale:
      "Docker's default set keeps 14 capabilities (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_RAW, ...). Most services need none or one of them; the rest only help an attacker who got code execution inside the container.",
    fix: 'Run with --cap-drop ALL and add back only what the service needs, e.g. --cap-add NET_BIND_SERVICE.',
    cis: ['5.4'],
    example: { bad: 'docker run -d app', good: 'docker run -d --cap-drop ALL --cap-add NET_BIND_SERVICE app' },
  },
  check: (c) => {
    if (c.privileged || c.capDrop.includes('ALL')) return [];
    const dropped = c.capDrop.length ? ` (drops only ${c.capDrop.join(', ')})` : '';
    return [{ message: `container ${c.name} keeps the default capability set${dropped}; no --cap-drop ALL` }];
  },
};
