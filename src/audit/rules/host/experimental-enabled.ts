import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const experimentalEnabled: Rule<HostFacts> = {
  meta: {
    id: 'HS009',
    slug: 'experimental-enabled',
    target: 'host',
    severity: 'low',
    title: 'Experimental features enabled',
    rationale: 'Experimental engine features are not covered by the usual stability and security review, and can change or open new API surface between releases.',
    fix: 'Remove "experimental": true from daemon.json on production hosts.',
    cis: ['2.18'],
    example: { bad: '{ "experimental": true }', good: '{}' },
  },
  check: (h) => (h.daemon.experimental ? [{ message: `engine ${h.endpoint} runs with experimental features enabled` }] : []),
};
