import type { Rule } from '../rule.js';
import { sensitiveMatch } from '../container/sensitive-host-path.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const hostPathVolume: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS001',
    slug: 'host-path-volume',
    target: 'kubernetes',
    severity: 'medium',
    title: 'hostPath volume',
    rationale:
      "A hostPath volume puts a directory of whichever node the pod lands on into the pod: the pod then depends on that node's files, can read what other workloads or the kubelet left there, and, writable, change the node. The Pod Security Standards forbid hostPath from the baseline level up. (Mounts of sensitive paths are reported by CT005 as well, with their severity.)",
    fix: 'Use a persistentVolumeClaim, configMap, secret, emptyDir or a CSI volume instead; if a node agent really needs a host directory, run it as a reviewed DaemonSet in its own namespace and mount the narrowest path read-only.',
    references: ['https://kubernetes.io/docs/concepts/storage/volumes/#hostpath'],
    example: {
      bad: 'volumes:\n  - name: logs\n    hostPath: { path: /var/log }',
      good: 'volumes:\n  - name: logs\n    emptyDir: {}',
    },
  },
  check: (f) =>
    f.volumes
      .filter((v) => v.hostPath !== undefined)
      .map((v) => ({
        message: `${workloadName(f)} has hostPath volume ${v.name} (${v.hostPath})`,
        location: v.loc,
        // the sensitive system paths are worth more than an ordinary directory
        ...(sensitiveMatch(v.hostPath!) ? { severity: 'high' as const } : {}),
        key: `${v.name}:${v.hostPath}`,
      })),
};
