import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { factKnown } from '../../container/predicates.js';

export const noHealthcheck: Rule<ContainerFacts> = {
  meta: {
    id: 'CT029',
    slug: 'no-healthcheck',
    target: 'container',
    severity: 'info',
    title: 'No health check',
    rationale:
      'Without a HEALTHCHECK the engine only knows whether the main process runs, not whether the service works: a hung or hijacked service keeps running and nobody is told. Orchestrators and restart policies act on health.',
    fix: 'Add a HEALTHCHECK to the image (or --health-cmd to the run) that exercises the service, e.g. HEALTHCHECK CMD wget -qO- http://localhost:8080/health || exit 1.',
    cis: ['5.27'],
    example: { bad: 'docker run -d app    # image without HEALTHCHECK', good: "docker run -d --health-cmd 'wget -qO- http://localhost:8080/health || exit 1' app" },
  },
  check: (c) => {
    // a compose service without a healthcheck keeps its image's HEALTHCHECK, which the file does not say
    if (!factKnown(c, 'healthcheck')) return [];
    if (c.healthcheck === undefined || c.healthcheck.length === 0) return [{ message: `container ${c.name} has no health check` }];
    if (c.healthcheck[0] === 'NONE') return [{ message: `container ${c.name} has its image's health check disabled (--no-healthcheck)` }];
    return [];
  },
};
