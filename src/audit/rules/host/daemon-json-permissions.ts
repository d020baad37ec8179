import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const daemonJsonPermissions: Rule<HostFacts> = {
  meta: {
    id: 'HS020',
    slug: 'daemon-json-permissions',
    target: 'host',
    severity: 'medium',
    title: 'daemon.json writable by others than root',
    rationale: 'Whoever can write daemon.json decides how the engine runs at its next restart (hosts, authorization plugins, runtimes): it must be owned by root and not writable by group or others.',
    fix: 'chown root:root /etc/docker/daemon.json && chmod 644 /etc/docker/daemon.json',
    cis: ['3.17', '3.18'],
    example: { bad: '-rw-rw-r-- root root /etc/docker/daemon.json', good: '-rw-r--r-- root root /etc/docker/daemon.json' },
  },
  checkable: (h) => h.daemonJson.status !== 'remote',
  check: (h) => {
    const j = h.daemonJson;
    if (j.uid === undefined || j.mode === undefined || h.rootless) return [];
    const out = [];
    if (j.uid !== 0) out.push({ message: `${j.path} is owned by uid ${j.uid}, not root`, location: { path: j.path }, key: 'owner' });
    if (j.mode & 0o022) out.push({ message: `${j.path} is writable by ${j.mode & 0o002 ? 'every user' : 'its group'} (mode ${(j.mode & 0o777).toString(8)})`, location: { path: j.path }, key: 'mode' });
    return out;
  },
};
