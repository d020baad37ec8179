import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const liveRestoreDisabled: Rule<HostFacts> = {
  meta: {
    id: 'HS004',
    slug: 'live-restore-disabled',
    target: 'host',
    severity: 'low',
    title: 'Live restore disabled',
    rationale: 'Without live-restore every engine restart or upgrade stops all containers, which makes people postpone security upgrades of the engine.',
    fix: 'Set "live-restore": true in daemon.json (not available with swarm mode).',
    cis: ['2.15'],
    example: { bad: '{}', good: '{ "live-restore": true }' },
  },
  check: (h) => (h.daemon.liveRestore || h.swarmActive ? [] : [{ message: `engine ${h.endpoint} has live-restore disabled` }]),
};
