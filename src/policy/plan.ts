import type { Severity } from '../audit/model.js';

/**
 * The engine-neutral result of a policy: what the runtime applies, what --dry-run prints,
 * what the image gate and the drift auditor compare against. Built by src/policy from a
 * validated Policy; turned into Engine API options by src/runtime; into profiles by src/profiles.
 * All sizes in bytes, CPU in nano-CPUs (1e9 = one CPU), like the Engine API.
 */
export interface HardeningPlan {
  /** the policy's name (built-in name or file path), recorded in container labels */
  policyName: string;
  user: {
    /** uid to run as when the image would run as root or has no USER */
    uid: number;
    gid: number;
    /** refuse uid 0 (always true for built-ins) */
    runAsNonRoot: boolean;
  };
  capabilities: {
    /** always ["ALL"]: the allowlist below is added back */
    drop: ['ALL'];
    /** capabilities added back by default (e.g. NET_BIND_SERVICE for `service`) */
    add: string[];
    /** what a user may add with flags; a capability outside this is refused */
    allowed: string[];
  };
  readOnlyRootFilesystem: boolean;
  /**
   * tmpfs mounts (the policy's, then --tmpfs); options always include nosuid,nodev, and noexec
   * unless the policy allows exec for that path. The owner (uid=,gid=) is the run's user, added
   * when the container is created, since an image's own USER is only known then.
   */
  tmpfs: Array<{ path: string; sizeBytes: number; options: string[] }>;
  resources: {
    memoryBytes: number;
    /** equal to memoryBytes means no swap */
    memorySwapBytes: number;
    nanoCpus: number;
    pidsLimit: number;
    ulimits: Array<{ name: string; soft: number; hard: number }>;
  };
  noNewPrivileges: boolean;
  seccomp: {
    /** generated: our profile from src/profiles; runtime-default: the engine's; unconfined is refused by schema */
    mode: 'generated' | 'runtime-default';
    /** extra syscall groups allowed beyond the base allowlist */
    allowGroups: string[];
    /** when set, only these syscalls out of what the groups allow (a learned allowlist) */
    syscalls?: string[];
  };
  apparmor: {
    /** required: refuse to run where AppArmor cannot be enforced; preferred: warn; disabled: do not ask */
    mode: 'required' | 'preferred' | 'disabled';
    profileName: string;
    allowRawSockets: boolean;
  };
  network: {
    /** "none" unless the policy allows more */
    mode: 'none' | 'bridge';
    /** -p allowed */
    allowPublish: boolean;
    /** host IP published ports bind to by default (never 0.0.0.0 unless the policy says so) */
    publishHostIp: string;
  };
  mounts: {
    /** bind mounts are read-only unless the user asks for rw and the policy allows it */
    allowReadWrite: boolean;
    /** host paths refused as sources (in addition to any *.sock) */
    deniedHostPaths: string[];
  };
  restart: { policy: 'no' | 'on-failure'; maxRetries: number };
  sandbox: {
    /** the user-space kernel asked for */
    runtime: 'gvisor';
    /** required: refuse where the engine has no gVisor runtime; preferred: warn and use runc; off: runc */
    mode: 'required' | 'preferred' | 'off';
  };
  gate: {
    /** audit the image before running it */
    enabled: boolean;
    /** refuse when a finding is at or above this */
    failOn: Severity;
    /** whether --no-gate is honoured */
    allowSkip: boolean;
    /** setuid/setgid files accepted by path and sha256 of their content */
    setuidAllowlist: Array<{ path: string; sha256?: string }>;
    /** files whose secret findings are accepted, by path and sha256 of the whole file */
    secretAllowlist: Array<{ path: string; sha256: string }>;
  };
}
