import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';
import type { Severity } from '../../model.js';
import type { Component } from '../../host/vulnerable-versions.js';
import { vulnerableRangesFor } from '../../host/versions.js';

const LABEL: Record<Component, string> = { engine: 'Docker Engine', containerd: 'containerd', runc: 'runc', kernel: 'kernel' };

export const vulnerableComponent: Rule<HostFacts> = {
  meta: {
    id: 'HS001',
    slug: 'vulnerable-component',
    target: 'host',
    severity: 'high',
    title: 'Engine, runtime or kernel version with a known vulnerability',
    rationale:
      'The engine, containerd, runc and the kernel are the isolation boundary: a known escape in any of them (runc CVE-2019-5736 and CVE-2024-21626 "Leaky Vessels", containerd CVE-2020-15257, Dirty Pipe) lets a container take the host whatever the container settings say. Versions are compared with a table of affected ranges; distribution packages (Debian +ds1/+dfsg1, Ubuntu, RHEL) often carry backported fixes under the old version number, so check the distribution security tracker before acting on a vendor build.',
    fix: "Upgrade the component to a fixed version (or the distribution's patched package), then restart the engine and recreate containers so they run on the fixed runtime.",
    references: ['https://github.com/opencontainers/runc/security/advisories', 'https://github.com/moby/moby/security/advisories', 'https://github.com/containerd/containerd/security/advisories'],
    cis: ['1.2.2'],
  },
  check: (h) =>
    (['engine', 'containerd', 'runc', 'kernel'] as const).flatMap((comp) =>
      vulnerableRangesFor(comp, h.versions[comp]).map(({ entry, version }) => {
        const conditional = entry.requires === 'authorization-plugin' && h.daemon.authorizationPlugins.length === 0;
        const severity: Severity = conditional ? 'low' : entry.severity;
        const notes = [
          conditional ? 'only exploitable with an authorization plugin, and none is configured' : '',
          version.vendorBuild ? `${version.raw} is a distribution build: fixes are often backported, check the distribution's security tracker` : '',
        ].filter(Boolean);
        return {
          message: `${LABEL[comp]} ${version.raw} is affected by ${entry.id}: ${entry.summary}; fixed in ${entry.fixed}${notes.length ? ` (${notes.join('; ')})` : ''}`,
          severity,
          evidence: `${comp} ${version.raw} (read as ${version.version}) in ${entry.affected}`,
          key: `${entry.id}:${comp}`,
        };
      }),
    ),
};
