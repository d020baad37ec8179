/**
 * Engine files whose owner and mode CIS section 3 checks, and the paths section 1.1 wants
 * audited by auditd, as data. Paths that do not exist on a host are skipped.
 */
export interface EngineFileExpectation {
  paths: string[];
  /** widest acceptable permission bits */
  maxMode: number;
  /** owner uid 0 and group gid 0 required */
  rootOwned: boolean;
  cis: string[];
}

export const ENGINE_FILES: readonly EngineFileExpectation[] = [
  { paths: ['/lib/systemd/system/docker.service', '/usr/lib/systemd/system/docker.service', '/etc/systemd/system/docker.service'], maxMode: 0o644, rootOwned: true, cis: ['3.1', '3.2'] },
  { paths: ['/lib/systemd/system/docker.socket', '/usr/lib/systemd/system/docker.socket', '/etc/systemd/system/docker.socket'], maxMode: 0o644, rootOwned: true, cis: ['3.3', '3.4'] },
  { paths: ['/etc/docker'], maxMode: 0o755, rootOwned: true, cis: ['3.5', '3.6'] },
  { paths: ['/etc/default/docker'], maxMode: 0o644, rootOwned: true, cis: ['3.19', '3.20'] },
  { paths: ['/etc/sysconfig/docker'], maxMode: 0o644, rootOwned: true, cis: ['3.21', '3.22'] },
];

/** containerd's socket (CIS 3.23, 3.24): where it is depends on the daemon, see containerdSockets. */
export const CONTAINERD_SOCKET: Omit<EngineFileExpectation, 'paths'> = { maxMode: 0o660, rootOwned: true, cis: ['3.23', '3.24'] };

/**
 * The OCI runtime binaries registered with the engine (runc, runsc, ...): dockerd runs them as
 * root at every container start, so whoever can write one is root on the host. No CIS item names
 * them; the expectation is that of the engine's own binaries.
 */
export const RUNTIME_BINARY: Omit<EngineFileExpectation, 'paths'> = { maxMode: 0o755, rootOwned: true, cis: [] };

/** dockerd's PATH when its environment cannot be read (that of its systemd unit). */
export const DEFAULT_DAEMON_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Where each registered runtime's binary is: an absolute path as given, a bare name ("runc")
 * looked up in dockerd's PATH as dockerd does (`exists` says which candidate is there).
 * Runtimes given as a containerd shim type have no path here and are skipped.
 */
export function runtimeBinaryPaths(paths: readonly string[], daemonPath: string, exists: (p: string) => boolean): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    if (p.startsWith('/')) out.add(p);
    else if (p && !p.includes('/')) {
      const found = daemonPath.split(':').filter(Boolean).map((d) => `${d.replace(/\/+$/, '')}/${p}`).find(exists);
      if (found) out.add(found);
    }
  }
  return [...out].sort();
}

/** dockerd's default --exec-root; the containerd it starts itself listens under it. */
const DEFAULT_EXEC_ROOT = '/var/run/docker';

/**
 * Where containerd listens for this dockerd: the socket named by --containerd or "containerd"
 * when it uses another containerd, else the one dockerd starts itself under its exec root
 * (<exec-root>/containerd/containerd.sock, /var/run/docker/containerd/containerd.sock by
 * default); and the system containerd's /run/containerd/containerd.sock, which dockerd uses when
 * it runs and which controls containers all the same. Paths that do not exist are skipped later.
 */
export function containerdSockets(flags: ReadonlyMap<string, readonly string[]>, config: Record<string, unknown> | undefined): string[] {
  const fromConfig = (key: string) => (typeof config?.[key] === 'string' ? (config[key] as string) : undefined);
  const explicit = flags.get('containerd')?.at(-1) ?? fromConfig('containerd');
  const execRoot = (flags.get('exec-root')?.at(-1) ?? fromConfig('exec-root') ?? DEFAULT_EXEC_ROOT).replace(/\/+$/, '');
  const own = explicit?.replace(/^unix:\/\//, '') ?? `${execRoot}/containerd/containerd.sock`;
  return [...new Set([own, '/run/containerd/containerd.sock'])];
}

/**
 * Registry certificates under /etc/docker/certs.d/<registry>/ (CIS 3.7 owned by root:root, 3.8
 * mode 444 or tighter). Private keys (*.key) stay readable by root alone, as the daemon's TLS key
 * (3.14); directories must not be writable by others, who could add a CA the engine then trusts.
 */
export const REGISTRY_CERTS = { dir: 'docker/certs.d', fileMaxMode: 0o444, keyMaxMode: 0o400, dirMaxMode: 0o755, rootOwned: true, cis: ['3.7', '3.8'], maxDepth: 3, maxEntries: 2000 } as const;

/** daemon.json keys naming TLS files, with their widest mode (keys stay private to root). */
export const TLS_FILES: ReadonlyArray<{ key: string; maxMode: number; cis: string[] }> = [
  { key: 'tlscacert', maxMode: 0o444, cis: ['3.9', '3.10'] },
  { key: 'tlscert', maxMode: 0o444, cis: ['3.11', '3.12'] },
  { key: 'tlskey', maxMode: 0o400, cis: ['3.13', '3.14'] },
];

/**
 * Where a path of the CIS list is on this host besides the paths written in it: the running
 * dockerd's and containerd's executables (Debian ships /usr/sbin/dockerd), the data root and
 * daemon.json in use, the containerd sockets (containerdSockets).
 */
export type AuditedPathSource = 'dockerd-executable' | 'containerd-executable' | 'data-root' | 'daemon-json' | 'containerd-socket';

/**
 * What auditd should watch when it runs: every Docker file and directory that CIS Docker
 * Benchmark 1.6.0 section 1.1 lists (1.1.3 to 1.1.18), with the other places distributions put
 * them. Paths that do not exist on a host are not expected.
 */
export const AUDITED_PATHS: ReadonlyArray<{ cis: string; what: string; paths: readonly string[]; also?: AuditedPathSource }> = [
  { cis: '1.1.3', what: 'the Docker daemon', paths: ['/usr/bin/dockerd'], also: 'dockerd-executable' },
  { cis: '1.1.4', what: '/run/containerd', paths: ['/run/containerd'] },
  { cis: '1.1.5', what: '/var/lib/docker', paths: ['/var/lib/docker'], also: 'data-root' },
  { cis: '1.1.6', what: '/etc/docker', paths: ['/etc/docker'] },
  { cis: '1.1.7', what: 'docker.service', paths: ['/lib/systemd/system/docker.service', '/usr/lib/systemd/system/docker.service', '/etc/systemd/system/docker.service'] },
  { cis: '1.1.8', what: 'containerd.sock', paths: [], also: 'containerd-socket' },
  { cis: '1.1.9', what: 'docker.socket', paths: ['/lib/systemd/system/docker.socket', '/usr/lib/systemd/system/docker.socket', '/etc/systemd/system/docker.socket'] },
  { cis: '1.1.10', what: '/etc/default/docker', paths: ['/etc/default/docker'] },
  { cis: '1.1.11', what: '/etc/docker/daemon.json', paths: ['/etc/docker/daemon.json'], also: 'daemon-json' },
  { cis: '1.1.12', what: '/etc/containerd/config.toml', paths: ['/etc/containerd/config.toml'] },
  { cis: '1.1.13', what: '/etc/sysconfig/docker', paths: ['/etc/sysconfig/docker'] },
  { cis: '1.1.14', what: '/usr/bin/containerd', paths: ['/usr/bin/containerd'], also: 'containerd-executable' },
  { cis: '1.1.15', what: '/usr/bin/containerd-shim', paths: ['/usr/bin/containerd-shim'] },
  { cis: '1.1.16', what: '/usr/bin/containerd-shim-runc-v1', paths: ['/usr/bin/containerd-shim-runc-v1'] },
  { cis: '1.1.17', what: '/usr/bin/containerd-shim-runc-v2', paths: ['/usr/bin/containerd-shim-runc-v2'] },
  { cis: '1.1.18', what: '/usr/bin/runc', paths: ['/usr/bin/runc', '/usr/sbin/runc'] },
];
