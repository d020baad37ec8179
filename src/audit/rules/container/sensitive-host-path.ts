import type { Severity } from '../../model.js';
import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { cleanHostPath } from '../../container/predicates.js';
import { isEngineSocketSource } from './engine-socket-mounted.js';

/** Host paths that must not be bind-mounted, with the severity when mounted read-write. */
export const SENSITIVE_HOST_PATHS: ReadonlyArray<{ path: string; rw: Severity }> = [
  { path: '/', rw: 'critical' },
  { path: '/etc', rw: 'critical' },
  { path: '/root', rw: 'critical' },
  { path: '/boot', rw: 'critical' },
  { path: '/proc', rw: 'critical' },
  { path: '/sys', rw: 'critical' },
  { path: '/dev', rw: 'critical' },
  { path: '/var/lib/docker', rw: 'critical' },
  { path: '/var/lib/containerd', rw: 'critical' },
  { path: '/var/lib/kubelet', rw: 'critical' },
  { path: '/usr', rw: 'high' },
  { path: '/lib', rw: 'high' },
  { path: '/lib64', rw: 'high' },
  { path: '/bin', rw: 'high' },
  { path: '/sbin', rw: 'high' },
  { path: '/home', rw: 'high' },
  { path: '/var/log', rw: 'medium' },
];
/** Files under sensitive paths that are commonly and harmlessly shared read-only. */
const HARMLESS_READ_ONLY = ['/etc/localtime', '/etc/timezone', '/etc/machine-id', '/etc/hostname', '/etc/resolv.conf'];

export function sensitiveMatch(source: string): { path: string; rw: Severity } | undefined {
  const s = cleanHostPath(source);
  return SENSITIVE_HOST_PATHS.find((p) => (p.path === '/' ? s === '/' : s === p.path || s.startsWith(`${p.path}/`)));
}

export const sensitiveHostPath: Rule<ContainerFacts> = {
  meta: {
    id: 'CT005',
    slug: 'sensitive-host-path',
    target: 'container',
    severity: 'high',
    title: 'Sensitive host path mounted',
    rationale:
      "Bind-mounting host system directories (/, /etc, /proc, /sys, /boot, /dev, /root, /var/lib/docker, ...) gives the container the host's credentials, configuration or kernel interfaces. Read-write, a container can change the host (add a user, a cron job, a kernel parameter); read-only, it still reads secrets such as /etc/shadow or other containers' data.",
    fix: 'Mount only the specific application directories the container needs, read-only where possible (-v /srv/app/config:/config:ro), or use named volumes.',
    cis: ['5.6'],
    example: { bad: 'docker run -d -v /etc:/host/etc app', good: 'docker run -d -v /srv/app/config:/config:ro app' },
  },
  check: (c) =>
    c.mounts.flatMap((m) => {
      if (m.type !== 'bind' || isEngineSocketSource(m.source)) return [];
      const hit = sensitiveMatch(m.source);
      if (!hit) return [];
      if (!m.rw && HARMLESS_READ_ONLY.includes(cleanHostPath(m.source))) return [];
      const severity: Severity = m.rw ? hit.rw : 'medium';
      return [
        {
          message: `container ${c.name} mounts host path ${m.source} at ${m.destination} ${m.rw ? 'read-write' : 'read-only'}`,
          severity,
          location: { path: m.destination },
          key: m.source,
        },
      ];
    }),
};
