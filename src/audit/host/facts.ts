import type { EngineConfinement } from '../container/facts.js';

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
  /** GET /info Driver */
  storageDriver: string;
  containersStopped: number;
  /** local engines only: owner/mode of the engine's files that exist (CIS section 3) */
  engineFiles?: EngineFileFacts[];
  /** local engines only: auditd watches (CIS 1.1.x); undefined configDir = auditd not configured */
  auditd?: { configDir: string | undefined; watched: string[] };
  /** local engines only: the data root and whether it is its own mount */
  dataRoot?: { path: string; separateMount: boolean };
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
