import type { HardeningPlan } from '../../src/policy/plan.js';

/** Plans written out by hand, so runtime unit tests do not depend on the policy loader. */
export function untrustedPlan(): HardeningPlan {
  return {
    policyName: 'untrusted',
    user: { uid: 65534, gid: 65534, runAsNonRoot: true },
    capabilities: { drop: ['ALL'], add: [], allowed: [] },
    readOnlyRootFilesystem: true,
    tmpfs: [{ path: '/tmp', sizeBytes: 64 * 1024 * 1024, options: ['rw', 'noexec', 'nosuid', 'nodev'] }],
    resources: {
      memoryBytes: 256 * 1024 * 1024,
      memorySwapBytes: 256 * 1024 * 1024,
      nanoCpus: 500_000_000,
      pidsLimit: 64,
      ulimits: [
        { name: 'nofile', soft: 1024, hard: 1024 },
        { name: 'nproc', soft: 64, hard: 64 },
        { name: 'core', soft: 0, hard: 0 },
      ],
    },
    noNewPrivileges: true,
    seccomp: { mode: 'generated', allowGroups: [] },
    apparmor: { mode: 'preferred', profileName: 'bulkhead-untrusted', allowRawSockets: false },
    network: { mode: 'none', allowPublish: false, publishHostIp: '127.0.0.1' },
    mounts: { allowReadWrite: false, deniedHostPaths: ['/home'] },
    restart: { policy: 'on-failure', maxRetries: 3 },
    sandbox: { runtime: 'gvisor', mode: 'off' },
    gate: { enabled: false, failOn: 'high', allowSkip: true, setuidAllowlist: [], secretAllowlist: [] },
  };
}

export function servicePlan(): HardeningPlan {
  const p = untrustedPlan();
  return {
    ...p,
    policyName: 'service',
    capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'], allowed: ['NET_BIND_SERVICE', 'CHOWN'] },
    network: { mode: 'bridge', allowPublish: true, publishHostIp: '127.0.0.1' },
    mounts: { allowReadWrite: true, deniedHostPaths: [] },
    restart: { policy: 'on-failure', maxRetries: 5 },
  };
}
