import type { EngineConfinement } from '../container/facts.js';
import type { EngineRuntimes } from '../../engine/runtimes.js';

/**
 * What the host rules read, collected once per engine by collect.ts. Settings the audit could
 * not learn (host files of a remote engine) are undefined, and rules about them stay silent:
 * the target's properties say which checks were skipped and why.
 */
export interface HostFacts {
  endpoint: string;
  /** the engine socket is a unix socket on this machine, so host files describe that engine */
  local: boolean;
  /** SecurityOptions carries name=rootless */
  rootless: boolean;
  versions: {
    engine?: string;
    api?: string;
    containerd?: string;
    runc?: string;
    kernel?: string;
    os?: string;
    /** /version Components[].Details.GitCommit: Debian's runc and containerd report their package version there */
    commits?: { engine?: string; containerd?: string; runc?: string };
  };
  confinement: EngineConfinement;
  daemon: DaemonSettings;
  daemonJson: DaemonJson;
  /** local engines only */
  socket?: SocketFacts;
  images?: ImagesSummary;
  swarmActive: boolean;
  /** GET /info Swarm (and GET /networks on a manager) when the node is in a swarm */
  swarm?: SwarmFacts;
  /** GET /info Driver */
  storageDriver: string;
  containersStopped: number;
  /** local engines only: owner/mode of the engine's files that exist (CIS section 3) */
  engineFiles?: EngineFileFacts[];
  /** local engines only: auditd and what it watches (CIS 1.1.x) */
  auditd?: AuditdFacts;
  /** local engines only: the data root's device against the root filesystem's */
  dataRoot?: DataRootFacts;
  /** GET /info Runtimes and DefaultRuntime; undefined when /info did not say (the runtime rules are then not checked) */
  runtimes?: RuntimeFacts;
}

/** The OCI runtimes the engine can start containers with. */
export interface RuntimeFacts {
  /** name -> binary path and the arguments dockerd passes it */
  registered: EngineRuntimes;
  /** what a container gets without --runtime; undefined when /info did not say */
  defaultRuntime?: string;
}

/**
 * A swarm node's settings, from GET /info Swarm: its Cluster object is GET /swarm without the
 * join tokens, so the audit never fetches a secret. Cluster-wide settings are known on managers
 * only (undefined on a worker).
 */
export interface SwarmFacts {
  nodeId: string;
  /** ControlAvailable: this node is a manager */
  manager: boolean;
  nodes?: number;
  managers?: number;
  /** Spec.EncryptionConfig.AutoLockManagers */
  autoLock?: boolean;
  /** Spec.CAConfig.NodeCertExpiry, in seconds */
  nodeCertExpirySeconds?: number;
  /** overlay networks (managers see every one) and whether their data plane is encrypted */
  overlayNetworks?: Array<{ name: string; encrypted: boolean; ingress: boolean }>;
}

export interface AuditdFacts {
  /** /etc/audit; undefined = auditd not configured */
  configDir: string | undefined;
  /** an auditd process runs on this host */
  running: boolean;
  /** paths of -w, -F path= and -F dir= watches in the rule files, as written and resolved through symlinks */
  watched: string[];
  /** watches that cover the whole tree under a directory (-w on a directory, -F dir=) */
  trees: string[];
  /** the files and directories of the CIS 1.1 list that exist on this host, resolved through symlinks */
  expected: Array<{ cis: string; path: string; realPath: string }>;
}

export interface DataRootFacts {
  path: string;
  /** stat st_dev of the data root and of / : equal means the same filesystem, whatever is mounted */
  device: number;
  rootDevice: number;
  /** the data root is a mount point (a bind mount of a directory on / is one, and not separate) */
  mountPoint: boolean;
}

export interface EngineFileFacts {
  path: string;
  uid: number;
  gid: number;
  mode: number;
  maxMode: number;
  rootOwned: boolean;
  cis: string[];
}

/** The daemon's effective settings: GET /info, then daemon.json and dockerd flags (local only). */
export interface DaemonSettings {
  liveRestore: boolean;
  experimental: boolean;
  loggingDriver: string;
  /** from daemon.json log-opts / --log-opt; undefined when unknown (remote) */
  logOpts?: Record<string, string>;
  /** registries served over plain HTTP or unverified TLS, besides the loopback default */
  insecureRegistries: string[];
  authorizationPlugins: string[];
  /** undefined = unknown (remote engine) */
  icc?: boolean;
  noNewPrivileges?: boolean;
  userlandProxy?: boolean;
  defaultUlimits?: Record<string, unknown>;
  /** -H / "hosts": where the daemon listens */
  hosts?: string[];
  tlsVerify?: boolean;
  /** true when this audit talked to the engine over tcp:// without TLS */
  plainTcpEndpoint: boolean;
  /** GET /info Debug, or log-level debug in daemon.json / flags */
  debug: boolean;
  /** --iptables / "iptables"; undefined = unknown (remote) */
  iptables?: boolean;
}

export interface DaemonJson {
  path: string;
  status: 'read' | 'missing' | 'invalid' | 'unreadable' | 'remote';
  /** one line, for the target's errors when invalid/unreadable */
  problem?: string;
  config?: Record<string, unknown>;
  /** owner and mode, when read */
  uid?: number;
  gid?: number;
  mode?: number;
}

export interface SocketFacts {
  path: string;
  uid: number;
  gid: number;
  /** permission bits, e.g. 0o660 */
  mode: number;
  owner: string;
  group: string;
  /** members of the socket's group (from /etc/group), root excluded */
  groupMembers: string[];
  /** the uid this audit runs as (a rootless engine's socket belongs to its user) */
  auditUid: number;
}

export interface ImagesSummary {
  count: number;
  dangling: number;
  /** image references whose configured user is root or unset */
  rootUser: string[];
}
