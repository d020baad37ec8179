import type { Rule } from '../rule.js';
import type { ImageFacts } from '../../image/facts.js';

export const noHealthcheck: Rule<ImageFacts> = {
  meta: {
    id: 'IM009',
    slug: 'no-healthcheck',
    target: 'image',
    severity: 'info',
    title: 'Image has no HEALTHCHECK',
    rationale:
      'Without a health check the engine only knows whether the main process runs, not whether it works: a hung service stays "up", and restarts or alerts never happen.',
    fix: 'Add a HEALTHCHECK that exercises the service cheaply (e.g. `HEALTHCHECK CMD ["/app", "health"]`), or rely on your orchestrator\'s probes and accept this finding.',
    cis: ['4.6'],
    example: { bad: 'CMD ["/app"]', good: 'HEALTHCHECK --interval=30s CMD ["/app", "health"]\nCMD ["/app"]' },
  },
  check(facts) {
    if (!facts.config) return [];
    const test = facts.config.healthcheck;
    if (test && test.length > 0 && test[0] !== 'NONE') return [];
    return [{ message: test?.[0] === 'NONE' ? 'the image disables the health check (HEALTHCHECK NONE)' : 'the image has no HEALTHCHECK', location: { path: 'config.Healthcheck' }, key: 'healthcheck' }];
  },
};
