import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const logRotationMissing: Rule<HostFacts> = {
  meta: {
    id: 'HS006',
    slug: 'log-rotation-missing',
    target: 'host',
    severity: 'medium',
    title: 'Container logs not rotated',
    rationale: 'The json-file log driver keeps every line a container writes, forever: one noisy or hostile container fills the disk holding /var/lib/docker and takes every other container (and the engine) down with it.',
    fix: 'Set "log-opts": {"max-size": "10m", "max-file": "3"} in daemon.json, or use the "local" driver (which rotates by default) or a remote logging driver.',
    cis: [],
    example: { bad: '{ "log-driver": "json-file" }', good: '{ "log-driver": "json-file", "log-opts": { "max-size": "10m", "max-file": "3" } }' },
  },
  check: (h) => {
    if (h.daemon.loggingDriver !== 'json-file' || h.daemon.logOpts === undefined) return [];
    return h.daemon.logOpts['max-size'] ? [] : [{ message: `engine ${h.endpoint} logs with json-file and no max-size: container logs grow without bound` }];
  },
};
