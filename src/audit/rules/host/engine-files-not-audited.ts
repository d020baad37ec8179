import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';
import { AUDITED_PATHS } from '../../host/engine-files.js';

export const engineFilesNotAudited: Rule<HostFacts> = {
  meta: {
    id: 'HS022',
    slug: 'engine-files-not-audited',
    target: 'host',
    severity: 'low',
    title: 'Engine files not watched by auditd',
    rationale:
      'The engine runs as root and anyone who controls it is root: changes to its binaries, configuration and data directory should leave a trace in the kernel audit log, so an intrusion or an unreviewed change can be found afterwards.',
    fix: 'Install auditd and add watches, e.g. `-w /usr/bin/dockerd -k docker` and `-w /etc/docker -k docker` in /etc/audit/rules.d/docker.rules, then `augenrules --load`.',
    cis: AUDITED_PATHS.map((p) => p.cis),
  },
  check: (h) => {
    const a = h.auditd;
    if (!a) return [];
    if (a.configDir === undefined) return [{ message: 'auditd is not configured (no /etc/audit): no engine file is audited', key: 'auditd' }];
    return AUDITED_PATHS.filter((p) => !a.watched.includes(p.path)).map((p) => ({
      message: `${p.path} is not watched by auditd`,
      location: { path: p.path },
      key: p.path,
    }));
  },
};
