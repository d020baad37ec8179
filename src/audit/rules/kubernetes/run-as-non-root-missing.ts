import type { Rule } from '../rule.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const runAsNonRootMissing: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS007',
    slug: 'run-as-non-root-missing',
    target: 'kubernetes',
    severity: 'medium',
    title: 'runAsNonRoot not set',
    rationale:
      "Without runAsNonRoot: true (and without a non-zero runAsUser) the container runs as whatever user its image says, root when the image has no USER; nothing stops a new image tag from switching to root. With runAsNonRoot: true the kubelet refuses to start a container whose user is uid 0. (An explicit runAsUser: 0 is reported by CT019.)",
    fix: 'Set securityContext.runAsNonRoot: true on the pod (and runAsUser/runAsGroup to a non-zero uid/gid if the image has no numeric USER).',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/security-context/'],
    example: { bad: 'spec:\n  containers: [...]', good: 'spec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 10001' },
  },
  check: (f) =>
    f.containers
      .filter((c) => c.effective.runAsNonRoot?.value !== true && c.effective.runAsUser === undefined)
      .map((c) => ({
        message: `${workloadName(f)} container ${c.name} sets neither runAsNonRoot: true nor runAsUser: it runs as its image's user`,
        location: c.effective.runAsNonRoot?.loc ?? c.securityContextLoc,
        key: c.name,
      })),
};
