import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const debugLogging: Rule<HostFacts> = {
  meta: {
    id: 'HS026',
    slug: 'debug-logging',
    target: 'host',
    severity: 'low',
    title: 'Engine logs at debug level',
    rationale: 'Debug logging writes request details (including environment and labels of created containers) to the journal, and its volume buries the events worth reading. The info level keeps what an investigation needs.',
    fix: 'Set "log-level": "info" and remove "debug": true from daemon.json (or -D / --log-level debug from the unit).',
    cis: ['2.3'],
    example: { bad: '{ "debug": true }', good: '{ "log-level": "info" }' },
  },
  check: (h) => (h.daemon.debug ? [{ message: `engine ${h.endpoint} logs at debug level` }] : []),
};
