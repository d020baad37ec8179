import type { Rule } from '../rule.js';
import { SAFE_SYSCTLS } from '../../k8s/pss-controls.js';
import { workloadName, type K8sRuleFacts } from './_facts.js';

export const unsafeSysctl: Rule<K8sRuleFacts> = {
  meta: {
    id: 'KS005',
    slug: 'unsafe-sysctl',
    target: 'kubernetes',
    severity: 'high',
    title: 'Unsafe sysctl',
    rationale:
      'Sysctls outside the safe, namespaced set Kubernetes lists can change kernel behaviour for the whole node or other pods (kernel.*, vm.*, most net.* keys). The kubelet rejects them unless --allowed-unsafe-sysctls lists them; where a node allows them, one pod can weaken the node for all. The baseline Pod Security Standard allows only the safe set.',
    fix: 'Drop the sysctl from spec.securityContext.sysctls, or set it on the node (and for the node) by its administrator instead of from a pod.',
    references: ['https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/'],
    example: {
      bad: 'securityContext:\n  sysctls:\n    - { name: kernel.msgmax, value: "65536" }',
      good: 'securityContext:\n  sysctls:\n    - { name: net.ipv4.ip_local_port_range, value: "1024 65535" }',
    },
  },
  check: (f) =>
    f.sysctls
      .filter((s) => !SAFE_SYSCTLS.includes(s.value.name))
      .map((s) => ({ message: `${workloadName(f)} sets unsafe sysctl ${s.value.name}=${s.value.value}`, location: s.loc, key: s.value.name })),
};
