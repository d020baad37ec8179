import type { Severity } from '../audit/model.js';

/**
 * A resolved policy: the YAML document after `extends` is merged, with every field present.
 * Vocabulary follows Kubernetes' securityContext where it exists, so a policy reads familiar
 * and can later be exported to a Pod spec. Sizes stay strings here ("256m"); the plan holds bytes.
 */
export interface Policy {
  apiVersion: 'bulkhead/v1';
  kind: 'Policy';
  metadata: { name: string; description?: string };
  requires?: string;
  /** the parent as written in the file that declared it (informational after resolution) */
  extends?: string;
  /** field paths a child policy may loosen (union over the extends chain) */
  overridable: string[];
  securityContext: {
    runAsNonRoot: boolean;
    runAsUser: number;
    runAsGroup: number;
    readOnlyRootFilesystem: boolean;
    allowPrivilegeEscalation: boolean;
    capabilities: { drop: ['ALL']; add: string[]; allowed: string[] };
    seccompProfile: { type: 'Generated' | 'RuntimeDefault'; allowGroups: string[]; /** only these names out of the groups (learned); absent: all */ syscalls?: string[] };
    appArmorProfile: { mode: 'required' | 'preferred' | 'disabled'; allowRawSockets: boolean };
  };
  resources: {
    limits: {
      memory: string;
      /** swap on top of memory; 0 = none */
      swap: string | number;
      /** CPUs: "0.5", "500m" or a number */
      cpu: string | number;
      pids: number;
    };
  };
  /** owned by the run's uid/gid under bulkhead run (uid/gid where no run user applies); noexec unless `noexec: false`; `mode` is octal ("1777") */
  tmpfs: Array<{ path: string; size: string; noexec?: boolean; mode?: string; uid?: number; gid?: number }>;
  ulimits: Record<string, number | { soft: number; hard: number }>;
  network: { mode: 'none' | 'bridge'; allowPublish: boolean; publishHostIp: string };
  mounts: { allowReadWrite: boolean; deniedHostPaths: string[] };
  restartPolicy: { name: 'no' | 'on-failure'; maximumRetryCount: number };
  /** gVisor: required refuses where the engine has no runsc runtime, preferred warns, off uses runc */
  sandbox: { runtime: 'gvisor'; mode: 'required' | 'preferred' | 'off' };
  gate: {
    enabled: boolean;
    failOn: Severity;
    allowSkip: boolean;
    setuidAllowlist: Array<{ path: string; sha256?: string }>;
    secretAllowlist: Array<{ path: string; sha256: string }>;
  };
  /** what `bulkhead authz serve` enforces on the host's engine (docs/authz.md) */
  authz: {
    failOn: Severity;
    builds: 'deny' | 'allow';
    exemptions: AuthzExemption[];
  };
}

/** A reasoned, dated exception to the authz decision, by image, container name or TLS user. */
export interface AuthzExemption {
  reason: string;
  /** YYYY-MM-DD, inclusive */
  until: string;
  image?: string;
  name?: string;
  user?: string;
  rules?: string[];
}

/** What one YAML file holds before merging: any section may be missing. */
export type PolicyDocument = DeepPartial<Policy> & Pick<Policy, 'apiVersion' | 'kind' | 'metadata'>;

export type DeepPartial<T> = T extends Array<infer _U>
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;
