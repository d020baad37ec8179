import type { Rule } from '../rule.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const privilegeEscalationAllowed: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS003',
    slug: 'privilege-escalation-allowed',
    target: 'kubernetes',
    severity: 'medium',
    title: 'allowPrivilegeEscalation set to true',
    rationale:
      'allowPrivilegeEscalation: true tells the kubelet not to set no_new_privs, so setuid binaries and file capabilities in the image can raise a process above the rights it started with. Setting it explicitly is a decision to allow escalation; leaving it unset is reported by CT018.',
    fix: 'Set securityContext.allowPrivilegeEscalation: false on the container (the restricted Pod Security Standard requires it).',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
    example: { bad: 'securityContext:\n  allowPrivilegeEscalation: true', good: 'securityContext:\n  allowPrivilegeEscalation: false' },
  },
  check: (f) =>
    f.containers
      .filter((c) => c.own.allowPrivilegeEscalation?.value === true)
      .map((c) => ({ message: `${workloadName(f)} container ${c.name} sets allowPrivilegeEscalation: true`, location: c.own.allowPrivilegeEscalation!.loc, key: c.name })),
};
