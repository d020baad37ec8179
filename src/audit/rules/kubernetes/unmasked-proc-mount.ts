import type { Rule } from '../rule.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const unmaskedProcMount: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS004',
    slug: 'unmasked-proc-mount',
    target: 'kubernetes',
    severity: 'high',
    title: 'procMount Unmasked',
    rationale:
      'procMount: Unmasked turns off the masking and read-only paths the runtime applies to /proc (/proc/kcore, /proc/sysrq-trigger, /proc/sys, ...). Without a user namespace that exposes kernel interfaces a container should never reach. The baseline Pod Security Standard allows only Default.',
    fix: 'Remove procMount (or set it to Default); Unmasked is only for nested container runtimes inside a user namespace (hostUsers: false).',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/'],
    example: { bad: 'securityContext:\n  procMount: Unmasked', good: 'securityContext: {}' },
  },
  check: (f) =>
    f.containers
      .filter((c) => c.own.procMount !== undefined && c.own.procMount.value !== 'Default')
      .map((c) => ({
        message: `${workloadName(f)} container ${c.name} sets procMount: ${c.own.procMount!.value}${f.hostUsers?.value === false ? ' (inside a user namespace)' : ''}`,
        location: c.own.procMount!.loc,
        ...(f.hostUsers?.value === false ? { severity: 'low' as const } : {}),
        key: c.name,
      })),
};
