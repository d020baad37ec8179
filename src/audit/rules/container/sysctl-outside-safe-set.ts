import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { SAFE_SYSCTLS } from '../../k8s/pss-controls.js';

export const sysctlOutsideSafeSet: Rule<ContainerFacts> = {
  meta: {
    id: 'CT034',
    slug: 'sysctl-outside-safe-set',
    target: 'container',
    severity: 'low',
    cis: [],
    title: 'Sysctl outside the safe set',
    rationale:
      "Docker accepts only namespaced sysctls (net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*), so a --sysctl acts on the container's own network and IPC namespaces, and on those of every container that joins them (--network container:X, --ipc shareable). Outside the small set Kubernetes calls safe, they change how the network stack routes and filters (net.ipv4.ip_forward, rp_filter, route_localnet) or raise IPC limits whose kernel memory is not charged to the container's memory limit.",
    fix: "Drop the --sysctl unless the workload needs it; where it does, keep it to the container's own namespaces (no shared network or IPC namespace).",
    references: ['https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/', 'https://docs.docker.com/reference/cli/docker/container/run/#sysctl'],
    example: { bad: 'docker run --sysctl net.ipv4.ip_forward=1 app', good: 'docker run --sysctl net.ipv4.ip_unprivileged_port_start=80 app' },
  },
  check: (c) =>
    Object.entries(c.sysctls ?? {})
      .filter(([name]) => !SAFE_SYSCTLS.includes(name))
      .map(([name, value]) => ({ message: `container ${c.name} sets sysctl ${name}=${value}, outside the safe set`, key: name })),
};
