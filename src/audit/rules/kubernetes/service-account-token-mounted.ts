import type { Rule } from '../rule.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const serviceAccountTokenMounted: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS002',
    slug: 'service-account-token-mounted',
    target: 'kubernetes',
    severity: 'low',
    title: 'Service account token mounted',
    rationale:
      'Unless automountServiceAccountToken is false on the pod or its ServiceAccount, the kubelet mounts an API token into every container. Most applications never call the Kubernetes API; for them the token only helps an attacker who got code execution to talk to the API server with the service account’s rights.',
    fix: 'Set automountServiceAccountToken: false in the pod spec (or on the ServiceAccount), and mount a projected token only into workloads that call the API.',
    references: ['https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting'],
    example: { bad: 'spec:\n  containers: [...]', good: 'spec:\n  automountServiceAccountToken: false\n  containers: [...]' },
  },
  check: (f) => {
    const pod = f.automountServiceAccountToken;
    // the pod's field wins over the ServiceAccount's
    if (pod?.value === false) return [];
    if (pod === undefined && f.serviceAccountAutomount?.value === false) return [];
    const why = pod?.value === true ? 'automountServiceAccountToken is true' : `neither the pod nor ServiceAccount ${f.serviceAccountName} (among the inputs) sets automountServiceAccountToken: false`;
    return [{ message: `${workloadName(f)} gets a service account token mounted: ${why}`, location: pod?.loc ?? f.specLoc }];
  },
};
