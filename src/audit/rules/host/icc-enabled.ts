import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const iccEnabled: Rule<HostFacts> = {
  meta: {
    id: 'HS003',
    slug: 'icc-enabled',
    target: 'host',
    severity: 'medium',
    title: 'Inter-container communication on the default bridge',
    rationale: 'With icc enabled (the default) every container on the default bridge can reach every port of every other one: one compromised container can attack its neighbours directly.',
    fix: 'Set "icc": false in daemon.json and connect containers that must talk through user-defined networks.',
    cis: ['2.2'],
    example: { bad: '{}', good: '{ "icc": false }' },
  },
  check: (h) => (h.daemon.icc === true ? [{ message: `engine ${h.endpoint} allows inter-container communication on the default bridge (icc not false)` }] : []),
};
