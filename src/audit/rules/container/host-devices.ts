import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const hostDevices: Rule<ContainerFacts> = {
  meta: {
    id: 'CT012',
    slug: 'host-devices',
    target: 'container',
    severity: 'high',
    title: 'Host devices exposed',
    rationale:
      'A host device passed with --device (or allowed by a device cgroup rule) lets the container read and write the hardware directly: a disk device gives the whole host filesystem, /dev/mem or /dev/kmsg the kernel.',
    fix: 'Remove --device and --device-cgroup-rule unless the workload drives that hardware; then pass the single device with the least permissions (r instead of rwm).',
    cis: ['5.18'],
    example: { bad: 'docker run -d --device /dev/sda app', good: 'docker run -d app' },
  },
  check: (c) => {
    if (c.privileged) return [];
    const devices = c.devices.map((d) => ({
      message: `container ${c.name} has host device ${d.host} at ${d.container || d.host} (${d.permissions || 'rwm'})`,
      key: d.host,
    }));
    const rules = c.deviceCgroupRules.map((r) => ({
      message: `container ${c.name} has device cgroup rule "${r}"`,
      severity: /^[abc] \*:\*/.test(r) ? ('critical' as const) : undefined,
      key: `rule:${r}`,
    }));
    return [...devices, ...rules];
  },
};
