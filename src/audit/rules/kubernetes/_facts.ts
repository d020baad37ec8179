import type { PodFacts } from '../../k8s/pod.js';
import type { PssLevel } from '../../k8s/pss-controls.js';

/** What the Kubernetes rules read: one pod spec, and the --pss level when one was asked for. */
export interface K8sRuleFacts extends PodFacts {
  pss?: PssLevel;
}

/** "Deployment web" for messages. */
export function workloadName(f: PodFacts): string {
  return `${f.workload.kind} ${f.workload.name}`;
}
