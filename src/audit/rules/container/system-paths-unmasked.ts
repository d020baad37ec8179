import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { DOCKER_MASKED_PATHS, DOCKER_READONLY_PATHS } from '../../container/data/docker-proc-paths.js';

export const systemPathsUnmasked: Rule<ContainerFacts> = {
  meta: {
    id: 'CT033',
    slug: 'system-paths-unmasked',
    target: 'container',
    severity: 'high',
    cis: [],
    title: '/proc and /sys paths unmasked',
    rationale:
      "Docker hides kernel interfaces a container has no use for (/proc/kcore, /proc/keys, /proc/timer_list, /sys/firmware, ...) and mounts others read-only (/proc/sys, /proc/sysrq-trigger, /proc/irq). `--security-opt systempaths=unconfined` (MaskedPaths/ReadonlyPaths in the API, `procMount: Unmasked` in a pod) removes that: the container can read kernel memory layouts and other tenants' key names, and a root process in it can write /proc/sysrq-trigger (reboot or crash the host) and /proc/sys settings the kernel does not namespace.",
    fix: 'Remove --security-opt systempaths=unconfined (or the MaskedPaths/ReadonlyPaths override, or procMount: Unmasked); keep the engine defaults.',
    example: { bad: 'docker run --security-opt systempaths=unconfined app', good: 'docker run app' },
  },
  check: (c) => {
    // a privileged container has neither list: CT001 says so
    if (c.privileged || !c.procPaths) return [];
    const unmasked = DOCKER_MASKED_PATHS.filter((p) => !c.procPaths!.masked.includes(p));
    const writable = DOCKER_READONLY_PATHS.filter((p) => !c.procPaths!.readonly.includes(p));
    if (unmasked.length === 0 && writable.length === 0) return [];
    const parts = [
      ...(unmasked.length ? [`unmasks ${unmasked.join(', ')}`] : []),
      ...(writable.length ? [`leaves ${writable.join(', ')} writable`] : []),
    ];
    return [{ message: `container ${c.name} ${parts.join(' and ')}` }];
  },
};
