import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const defaultUlimitsUnset: Rule<HostFacts> = {
  meta: {
    id: 'HS007',
    slug: 'default-ulimits-unset',
    target: 'host',
    severity: 'info',
    title: 'No default ulimits',
    rationale: 'Default ulimits (open files, processes) bound what a container gets when it does not ask; without them containers inherit the engine limits, which are set for the engine itself and are very high.',
    fix: 'Set "default-ulimits" in daemon.json, e.g. {"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 4096}}.',
    cis: ['2.8'],
    example: { bad: '{}', good: '{ "default-ulimits": { "nofile": { "Name": "nofile", "Soft": 1024, "Hard": 4096 } } }' },
  },
  check: (h) =>
    h.daemon.defaultUlimits !== undefined && Object.keys(h.daemon.defaultUlimits).length === 0 ? [{ message: `engine ${h.endpoint} sets no default ulimits` }] : [],
};
