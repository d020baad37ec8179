import type { HardeningPlan } from '../../policy/plan.js';
import type { Severity } from '../model.js';

/**
 * What the container rules read: the engine's inspect output normalised into a small typed
 * shape (dockerode types most HostConfig fields as `any`), plus what the host tells us about
 * its own confinement, the file scan and the plan recorded by `bulkhead run`.
 * Collected once per container by collect.ts; rules are pure functions of this.
 */
export interface ContainerFacts {
  id: string;
  /** without the leading slash */
  name: string;
  image: string;
  running: boolean;
  privileged: boolean;
  /** upper case, without the CAP_ prefix ("SYS_ADMIN", "ALL") */
  capAdd: string[];
  capDrop: string[];
  mounts: ContainerMount[];
  namespaces: { pid: string; network: string; ipc: string; uts: string; userns: string; cgroupns: string };
  devices: Array<{ host: string; container: string; permissions: string }>;
  deviceCgroupRules: string[];
  resources: {
    memory: number;
    memorySwap: number;
    nanoCpus: number;
    cpuQuota: number;
    cpuShares: number;
    /** null or 0 or -1: unlimited */
    pidsLimit: number | null;
    ulimits: Array<{ name: string; soft: number; hard: number }>;
  };
  /** HostConfig.SecurityOpt as given, e.g. ["no-new-privileges:true", "seccomp=unconfined"] */
  securityOpt: string[];
  /** the AppArmor profile the engine applied ("" when none) */
  appArmorProfile: string;
  /** Config.User as given ("" = the image's user, which is root when unset) */
  user: string;
  /** for a user given by name: its uid in the container's /etc/passwd, when that could be read */
  userUid?: number;
  /**
   * true when the input cannot tell which uid `user` is: an authz create request carries no image,
   * so "" (the image's USER) and a name (looked up in the image's /etc/passwd) are unknown there
   */
  userUidUnknown?: boolean;
  readOnlyRootfs: boolean;
  restart: { name: string; maxRetries: number };
  ports: PublishedPort[];
  /** never printed: rules report env values through redact() only */
  env: Array<{ name: string; value: string }>;
  labels: Record<string, string>;
  tmpfs: Record<string, string>;
  /**
   * The /proc and /sys paths the engine masks and makes read-only (HostConfig.MaskedPaths and
   * ReadonlyPaths: inspect shows the effective lists, a create request replaces the defaults when
   * it gives them); undefined when the input leaves them at the engine's defaults.
   */
  procPaths?: { masked: string[]; readonly: string[] };
  /** HostConfig.Sysctls; undefined or {} when none is set */
  sysctls?: Record<string, string>;
  /** HostConfig.PublishAllPorts (-P): every EXPOSEd port on a random host port of every interface */
  publishAllPorts?: boolean;
  /** HostConfig.Runtime ("runc", "runsc", ...); undefined when the input does not say */
  runtime?: string;
  /** Config.Healthcheck.Test: undefined when neither image nor run defines one; ["NONE"] when disabled */
  healthcheck: string[] | undefined;
  engine: EngineConfinement;
  /**
   * The container's processes (GET /containers/{id}/top), or unknown and why: an input with no
   * running container behind it (a create request, a compose service), a stopped container, an
   * engine that could not list them. Rules about processes stay silent on unknown.
   */
  processes: ContainerProcesses;
  /** absent with --fs none */
  files?: ContainerFileScan;
  /** present when the container carries io.bulkhead.* labels */
  recordedPlan?: RecordedPlan;
  /**
   * Facts the input cannot know (a compose file does not say which engine it runs on, nor the
   * image's USER): rules that read one say nothing rather than guess. Absent for inspect output.
   */
  unknown?: readonly UnknownFact[];
  /** For declared containers (compose, Kubernetes): where each fact was written, by fact key. */
  sources?: FactSources;
}

export type UnknownFact = 'user' | 'engine' | 'healthcheck' | 'pidsLimit' | 'restart';

/**
 * Fact key -> file:line:column of the YAML node that set it. Keys: "self" (the service or
 * container), a field name ("privileged", "readOnlyRootfs", "user", "restart", "healthcheck",
 * "capAdd", "capDrop", "securityOpt", "resources.memory", "namespaces.pid", ...), or a field and
 * the draft key of the item ("capAdd:SYS_ADMIN", "mounts:/data", "env:TOKEN", "ports:80:8080").
 */
export type FactSources = Readonly<Record<string, { path: string; line: number; column: number }>>;

export type ContainerProcesses = { known: true; list: ContainerProcess[] } | { known: false; reason: string };

export interface ContainerProcess {
  /** host PID, as the engine's ps reports it */
  pid: number;
  user: string;
  /**
   * ps `comm`: the name of the executable the process runs (its basename, cut at 15 characters by
   * the kernel), not its argv, which a process rewrites at will (sshd shows "sshd: user@pts/0")
   */
  executable: string;
}

export interface ContainerMount {
  type: string;
  source: string;
  destination: string;
  rw: boolean;
  propagation: string;
}

export interface PublishedPort {
  /** "80/tcp" */
  containerPort: string;
  hostIp: string;
  hostPort: string;
}

/** What the engine's host can enforce, from GET /info SecurityOptions and CgroupVersion. */
export interface EngineConfinement {
  seccomp: boolean;
  apparmor: boolean;
  selinux: boolean;
  userns: boolean;
  rootless: boolean;
  cgroupVersion: string;
}

/** Setuid/setgid files and secrets found in the container's files, as the shared scanner reports them. */
export interface ContainerFileScan {
  mode: 'changes' | 'full';
  /** how many paths (changes) or entries (full) were read */
  scanned: number;
  specialFiles: Array<{ path: string; mode: number; setuid: boolean; setgid: boolean; origin: 'added' | 'modified' | 'filesystem' }>;
  /** evidence is already redacted */
  secrets: Array<{ path: string; line?: number; kind: string; severity: Severity; evidence: string; origin: 'added' | 'modified' | 'filesystem' }>;
}

export const PLAN_LABEL = 'io.bulkhead.plan';
export const PLAN_HASH_LABEL = 'io.bulkhead.plan-hash';
export const POLICY_LABEL = 'io.bulkhead.policy';

export interface RecordedPlan {
  policyName: string | undefined;
  /** the io.bulkhead.plan-hash label as found */
  hashLabel: string | undefined;
  /** planHash() of the parsed io.bulkhead.plan label (src/policy/hash.ts), hex */
  actualHash: string | undefined;
  plan: HardeningPlan | undefined;
  /** the hash label is present and equals actualHash: only then is the plan trusted for drift */
  hashMatches: boolean;
  /** why the plan label could not be used (missing, not JSON, wrong shape) */
  problem: string | undefined;
}
