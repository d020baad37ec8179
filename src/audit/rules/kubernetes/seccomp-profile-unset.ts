import type { Rule } from '../rule.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const seccompProfileUnset: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS008',
    slug: 'seccomp-profile-unset',
    target: 'kubernetes',
    severity: 'low',
    title: 'No seccomp profile set',
    rationale:
      "A pod that sets no seccompProfile runs Unconfined on a kubelet without --seccomp-default (the default up to today): every system call is open to it, unlike the same image under docker. The restricted Pod Security Standard requires RuntimeDefault or Localhost. (An explicit Unconfined is reported by CT016.)",
    fix: 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod, or Localhost with a profile generated from your policy (bulkhead policy export --to kubernetes).',
    references: ['https://kubernetes.io/docs/tutorials/security/seccomp/'],
    example: { bad: 'spec:\n  containers: [...]', good: 'spec:\n  securityContext:\n    seccompProfile: { type: RuntimeDefault }' },
  },
  check: (f) =>
    f.containers
      .filter((c) => c.effective.seccompType === undefined)
      .map((c) => ({ message: `${workloadName(f)} container ${c.name} sets no seccomp profile: Unconfined unless the kubelet runs with --seccomp-default`, location: c.securityContextLoc, key: c.name })),
};
