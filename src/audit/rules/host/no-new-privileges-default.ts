import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const noNewPrivilegesDefault: Rule<HostFacts> = {
  meta: {
    id: 'HS005',
    slug: 'no-new-privileges-default',
    target: 'host',
    severity: 'low',
    title: 'no-new-privileges not the daemon default',
    rationale: 'With "no-new-privileges": true in daemon.json every container starts unable to gain privileges through setuid binaries, unless it opts out; without it each container must remember to ask.',
    fix: 'Set "no-new-privileges": true in daemon.json and restart the engine.',
    cis: ['2.14'],
    example: { bad: '{}', good: '{ "no-new-privileges": true }' },
  },
  check: (h) => (h.daemon.noNewPrivileges === false ? [{ message: `engine ${h.endpoint} does not set no-new-privileges for containers by default` }] : []),
};
