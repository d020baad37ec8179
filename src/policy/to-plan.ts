import type { HardeningPlan } from './plan.js';
import type { Policy } from './types.js';
import { parseCpu, parseSize } from './units.js';

/**
 * Policy -> HardeningPlan: units become bytes / nano-CPUs, Kubernetes vocabulary becomes the
 * engine-neutral shape the runtime, the dry run and the auditors read. Pure.
 * `name` is what the plan records as its policy (built-in name or file path).
 */
export function toHardeningPlan(policy: Policy, name: string): HardeningPlan {
  const sc = policy.securityContext;
  const limits = policy.resources.limits;
  const memoryBytes = parseSize(limits.memory);
  const add = [...sc.capabilities.add].sort();
  return {
    policyName: name,
    user: { uid: sc.runAsUser, gid: sc.runAsGroup, runAsNonRoot: sc.runAsNonRoot },
    capabilities: {
      drop: ['ALL'],
      add,
      // what is added by default may always be asked for explicitly too
      allowed: [...new Set([...sc.capabilities.allowed, ...add])].sort(),
    },
    readOnlyRootFilesystem: sc.readOnlyRootFilesystem,
    tmpfs: policy.tmpfs.map((t) => ({
      path: t.path,
      sizeBytes: parseSize(t.size),
      options: [t.noexec === false ? 'exec' : 'noexec', 'nosuid', 'nodev', ...(t.mode !== undefined ? [`mode=${t.mode}`] : []), ...(t.uid !== undefined ? [`uid=${t.uid}`] : []), ...(t.gid !== undefined ? [`gid=${t.gid}`] : [])],
    })),
    resources: {
      memoryBytes,
      memorySwapBytes: memoryBytes + parseSize(limits.swap),
      nanoCpus: parseCpu(limits.cpu),
      pidsLimit: limits.pids,
      ulimits: Object.keys(policy.ulimits)
        .sort()
        .map((ulimitName) => {
          const v = policy.ulimits[ulimitName]!;
          return typeof v === 'number' ? { name: ulimitName, soft: v, hard: v } : { name: ulimitName, soft: v.soft, hard: v.hard };
        }),
    },
    noNewPrivileges: !sc.allowPrivilegeEscalation,
    seccomp: {
      mode: sc.seccompProfile.type === 'Generated' ? 'generated' : 'runtime-default',
      allowGroups: [...sc.seccompProfile.allowGroups].sort(),
      ...(sc.seccompProfile.syscalls !== undefined ? { syscalls: [...sc.seccompProfile.syscalls].sort() } : {}),
    },
    apparmor: {
      mode: sc.appArmorProfile.mode,
      profileName: appArmorProfileName(policy.metadata.name, sc.appArmorProfile.allowRawSockets),
      allowRawSockets: sc.appArmorProfile.allowRawSockets,
    },
    network: {
      mode: policy.network.mode,
      allowPublish: policy.network.allowPublish,
      publishHostIp: policy.network.publishHostIp,
    },
    mounts: {
      allowReadWrite: policy.mounts.allowReadWrite,
      deniedHostPaths: [...policy.mounts.deniedHostPaths],
    },
    restart:
      policy.restartPolicy.name === 'no'
        ? { policy: 'no', maxRetries: 0 }
        : { policy: 'on-failure', maxRetries: policy.restartPolicy.maximumRetryCount },
    sandbox: { runtime: policy.sandbox.runtime, mode: policy.sandbox.mode },
    gate: {
      enabled: policy.gate.enabled,
      failOn: policy.gate.failOn,
      allowSkip: policy.gate.allowSkip,
      setuidAllowlist: policy.gate.setuidAllowlist.map((e) => (e.sha256 === undefined ? { path: e.path } : { path: e.path, sha256: e.sha256 })),
      secretAllowlist: policy.gate.secretAllowlist.map((e) => ({ path: e.path, sha256: e.sha256 })),
    },
  };
}

/**
 * The AppArmor profile name for a policy (metadata.name is already [a-z0-9._-], safe in a
 * profile name). The generated profile's rules depend only on allowRawSockets, so encoding it
 * in the name means two policies sharing a name can never replace each other's loaded profile
 * with different rules.
 */
export function appArmorProfileName(policyName: string, allowRawSockets: boolean): string {
  return `bulkhead-${policyName}${allowRawSockets ? '-raw' : ''}`;
}
