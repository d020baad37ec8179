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
    fix: 'Install and start auditd and add a watch for each path reported, e.g. `-w /usr/bin/dockerd -p rwxa -k docker` and `-w /etc/docker -p rwxa -k docker` in /etc/audit/rules.d/docker.rules, then `augenrules --load`.',
    cis: AUDITED_PATHS.map((p) => p.cis),
  },
  check: (h) => {
    const a = h.auditd;
    if (!a) return [];
    if (a.configDir === undefined) return [{ message: 'auditd is not configured (no /etc/audit): no engine file is audited', key: 'auditd' }];
    if (!a.running) return [{ message: `auditd is not running: the watches in ${a.configDir} have no effect`, key: 'auditd-not-running' }];
    const covered = (p: string) => a.watched.includes(p) || a.trees.some((t) => p.startsWith(t === '/' ? '/' : `${t}/`));
    return a.expected
      .filter((e) => !covered(e.path) && !covered(e.realPath))
      .map((e) => ({
        message: `${e.path}${e.realPath !== e.path ? ` (${e.realPath})` : ''} is not watched by auditd (CIS ${e.cis})`,
        location: { path: e.path },
        key: e.path,
      }));
  },
};
