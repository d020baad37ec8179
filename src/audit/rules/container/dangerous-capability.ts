import type { Severity } from '../../model.js';
import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

/** Capabilities that break container isolation, and how badly (data, not code). */
export const DANGEROUS_CAPABILITIES: Readonly<Record<string, { severity: Severity; why: string }>> = {
  ALL: { severity: 'critical', why: 'every capability, close to --privileged' },
  SYS_ADMIN: { severity: 'critical', why: 'mount, namespaces, BPF and more: the classic escape route' },
  SYS_MODULE: { severity: 'critical', why: 'loads kernel modules into the host kernel' },
  SYS_RAWIO: { severity: 'critical', why: 'raw I/O ports and /dev/mem access' },
  SYS_PTRACE: { severity: 'high', why: 'traces and injects code into other processes' },
  DAC_READ_SEARCH: { severity: 'high', why: 'open_by_handle_at reads host files (the "shocker" escape)' },
  NET_ADMIN: { severity: 'high', why: 'reconfigures interfaces, routes and firewall rules' },
  SYS_BOOT: { severity: 'high', why: 'reboots the host or loads a new kernel (kexec)' },
  BPF: { severity: 'high', why: 'loads BPF programs into the kernel' },
  MAC_ADMIN: { severity: 'high', why: 'changes the AppArmor/SELinux policy' },
  MAC_OVERRIDE: { severity: 'high', why: 'overrides mandatory access control' },
  SYS_TIME: { severity: 'medium', why: 'sets the host clock' },
  SYSLOG: { severity: 'medium', why: 'reads kernel logs, which leak kernel addresses' },
  PERFMON: { severity: 'medium', why: 'perf events expose kernel internals' },
  LINUX_IMMUTABLE: { severity: 'medium', why: 'changes immutable and append-only file flags' },
  SYS_RESOURCE: { severity: 'medium', why: 'overrides resource limits and quotas' },
  AUDIT_CONTROL: { severity: 'medium', why: 'changes the kernel audit rules' },
  DAC_OVERRIDE: { severity: 'low', why: 'bypasses file permission checks' },
  NET_RAW: { severity: 'low', why: 'raw sockets allow spoofing on the container network' },
};

export const dangerousCapability: Rule<ContainerFacts> = {
  meta: {
    id: 'CT002',
    slug: 'dangerous-capability',
    target: 'container',
    severity: 'high',
    title: 'Dangerous capability added',
    rationale:
      'Capabilities such as SYS_ADMIN, SYS_MODULE, SYS_PTRACE, DAC_READ_SEARCH or NET_ADMIN hand a container kernel powers that known escapes rely on. Each one added with --cap-add widens what a compromised process can do to the host and its neighbours.',
    fix: 'Remove the capability (--cap-add) from the container definition; if the workload really needs it, isolate that workload on its own host and document why.',
    references: ['https://man7.org/linux/man-pages/man7/capabilities.7.html'],
    cis: ['5.4'],
    example: { bad: 'docker run -d --cap-add SYS_ADMIN app', good: 'docker run -d --cap-drop ALL app' },
  },
  check: (c) => {
    // --privileged already has them all; CT001 says so once.
    if (c.privileged) return [];
    return c.capAdd
      .filter((cap) => Object.hasOwn(DANGEROUS_CAPABILITIES, cap))
      .map((cap) => {
        const d = DANGEROUS_CAPABILITIES[cap]!;
        return { message: `container ${c.name} adds capability ${cap}: ${d.why}`, severity: d.severity, key: cap };
      });
  },
};
