import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';
import { atOrAbove, type Severity } from '../../model.js';
import type { Component } from '../../host/vulnerable-versions.js';
import { backportVerdict, packageOrigin, parseOperatingSystem, vulnerableRangesFor, type PackageOrigin } from '../../host/versions.js';

const LABEL: Record<Component, string> = { engine: 'Docker Engine', containerd: 'containerd', runc: 'runc', kernel: 'kernel' };
const DISTRO_LABEL = { debian: 'Debian', ubuntu: 'Ubuntu' } as const;

function lower(a: Severity, b: Severity): Severity {
  return atOrAbove(a, b) ? b : a;
}

function describeOrigin(origin: PackageOrigin): string {
  return origin.kind === 'distro' ? ` (${DISTRO_LABEL[origin.distro]}${origin.release ? ` ${origin.release}` : ''} package)` : '';
}

export const vulnerableComponent: Rule<HostFacts> = {
  meta: {
    id: 'HS001',
    slug: 'vulnerable-component',
    target: 'host',
    severity: 'high',
    title: 'Engine, runtime or kernel version with a known vulnerability',
    rationale:
      'The engine, containerd, runc and the kernel are the isolation boundary: a known escape in any of them (runc CVE-2019-5736 and CVE-2024-21626 "Leaky Vessels", containerd CVE-2020-15257, Dirty Pipe) lets a container take the host whatever the container settings say. Versions are compared with a table of affected upstream ranges, then, for Debian and Ubuntu packages (told by the +dfsg/+ds repack suffix, the -0ubuntuN or +debNuM revision and the host OS), with a table of the fixes each release backported, in dpkg version order: Debian\'s runc 1.1.5+ds1-1+deb12u1 carries the CVE-2024-21626 fix. A vendor build whose package revision or distribution cannot be told is reported at medium: the distribution may have backported the fix.',
    fix: "Upgrade the component to a fixed version (or the distribution's patched package), then restart the engine and recreate containers so they run on the fixed runtime.",
    references: [
      'https://github.com/opencontainers/runc/security/advisories',
      'https://github.com/moby/moby/security/advisories',
      'https://github.com/containerd/containerd/security/advisories',
      'https://security-tracker.debian.org/tracker/',
      'https://ubuntu.com/security/notices',
    ],
    cis: ['1.2.2'],
  },
  check: (h) => {
    const os = parseOperatingSystem(h.versions.os);
    return (['engine', 'containerd', 'runc', 'kernel'] as const).flatMap((comp) => {
      const raw = h.versions[comp];
      const origin = raw ? packageOrigin(raw, comp === 'kernel' ? undefined : h.versions.commits?.[comp], os) : ({ kind: 'upstream' } as const);
      return vulnerableRangesFor(comp, raw).flatMap(({ entry, version }) => {
        const verdict = backportVerdict(entry.id, comp, origin);
        if (verdict.status === 'fixed') return [];
        const conditional = entry.requires === 'authorization-plugin' && h.daemon.authorizationPlugins.length === 0;
        let severity: Severity = conditional ? lower(entry.severity, 'low') : entry.severity;
        if (verdict.status === 'uncertain') severity = lower(severity, 'medium');
        const shown = origin.kind === 'distro' && origin.packageVersion ? origin.packageVersion : version.raw;
        const notes = [
          conditional ? 'only exploitable with an authorization plugin, and none is configured' : '',
          verdict.status === 'affected' ? verdict.detail : '',
          verdict.status === 'uncertain' ? `upstream version in the range; the distro may have backported the fix: ${verdict.detail}` : '',
        ].filter(Boolean);
        return [
          {
            message: `${LABEL[comp]} ${shown}${describeOrigin(origin)} is affected by ${entry.id}: ${entry.summary}; fixed upstream in ${entry.fixed}${notes.length ? ` (${notes.join('; ')})` : ''}`,
            severity,
            evidence: `${comp} ${shown} (upstream ${version.version}) in ${entry.affected}`,
            key: `${entry.id}:${comp}`,
          },
        ];
      });
    });
  },
};
