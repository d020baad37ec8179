import type { Rule } from '../rule.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const hostPort: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS006',
    slug: 'host-port',
    target: 'kubernetes',
    severity: 'medium',
    title: 'hostPort used',
    rationale:
      "A hostPort opens the port on the node's own addresses: traffic reaches the pod without a Service, often past NetworkPolicy (which many network plugins do not apply to host ports), and the pod can only be scheduled where the port is free. The baseline Pod Security Standard forbids host ports.",
    fix: 'Remove hostPort and expose the pod through a Service (ClusterIP, NodePort or LoadBalancer) or an Ingress.',
    references: ['https://kubernetes.io/docs/concepts/configuration/overview/#services'],
    example: { bad: 'ports:\n  - containerPort: 8080\n    hostPort: 80', good: 'ports:\n  - containerPort: 8080' },
  },
  check: (f) =>
    f.containers.flatMap((c) =>
      c.ports
        .filter((p) => p.hostPort !== undefined)
        .map((p) => ({
          message: `${workloadName(f)} container ${c.name} binds host port ${p.hostPort!.value} (container port ${p.containerPort}/${p.protocol})`,
          location: p.hostPort!.loc,
          key: `${c.name}:${p.hostPort!.value}/${p.protocol}`,
        })),
    ),
};
