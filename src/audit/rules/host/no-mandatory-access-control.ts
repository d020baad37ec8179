import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const noMandatoryAccessControl: Rule<HostFacts> = {
  meta: {
    id: 'HS013',
    slug: 'no-mandatory-access-control',
    target: 'host',
    severity: 'medium',
    title: 'Neither AppArmor nor SELinux available to the engine',
    rationale:
      'AppArmor or SELinux confine each container beyond namespaces and capabilities (no writes to /proc/sys, no mounts, no access to other containers\' files). An engine without either runs every container without that layer, and policies that ask for an AppArmor profile cannot be enforced.',
    fix: 'Enable AppArmor (Debian/Ubuntu: apparmor=1 security=apparmor on the kernel command line, the apparmor package) or SELinux with "selinux-enabled": true, then restart the engine.',
    cis: ['5.2', '5.3'],
  },
  check: (h) =>
    h.confinement.apparmor || h.confinement.selinux ? [] : [{ message: `engine ${h.endpoint} has neither AppArmor nor SELinux: containers get no mandatory access control` }],
};
