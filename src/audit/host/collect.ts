import { readFileSync, readdirSync, readlinkSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { homedir } from 'node:os';
import type { EngineClient, EngineVersion } from '../../engine/client.js';
import { discoverEngine } from '../../engine/endpoint.js';
import { runtimesFromInfo } from '../../engine/runtimes.js';
import { engineConfinement } from '../container/normalize.js';
import { isRootUser } from '../../users.js';
import { mapLimit } from '../container/map-limit.js';
import { daemonSettings, parseDockerdFlags, pickDockerd } from './daemon-settings.js';
import type { AuditdFacts, DaemonJson, DataRootFacts, SwarmFacts, EngineFileFacts, HostFacts, ImagesSummary, RuntimeFacts, SocketFacts } from './facts.js';
import { AUDITED_PATHS, CONTAINERD_SOCKET, DEFAULT_DAEMON_PATH, ENGINE_FILES, REGISTRY_CERTS, RUNTIME_BINARY, TLS_FILES, containerdSockets, runtimeBinaryPaths, type AuditedPathSource } from './engine-files.js';

export interface HostFileAccess {
  /** where daemon.json is; default: dockerd's --config-file, else the standard place */
  daemonJsonPath?: string;
  /** for tests: where /proc and /etc are */
  procRoot?: string;
  etcRoot?: string;
  /** for tests: the root filesystem the data root is compared with */
  fsRoot?: string;
}

/** Images whose user is checked at most, so a host with thousands of images still audits quickly. */
const MAX_IMAGES_INSPECTED = 300;

function dockerdProcesses(procRoot: string): Array<{ pid: number; argv: string[] }> {
  const out: Array<{ pid: number; argv: string[] }> = [];
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (readFileSync(`${procRoot}/${e}/comm`, 'utf8').trim() !== 'dockerd') continue;
      const argv = readFileSync(`${procRoot}/${e}/cmdline`, 'utf8').split('\0').filter(Boolean).slice(1);
      out.push({ pid: Number(e), argv });
    } catch {
      // the process ended while we looked, or is not ours to read
    }
  }
  return out;
}

/**
 * Where JSON.parse stopped, from its message: "... at position N", or (newer V8) the quoted
 * context around the unexpected token, found again in the text.
 */
export function jsonErrorOffset(message: string, text: string): number | undefined {
  const pos = /position (\d+)/.exec(message)?.[1];
  if (pos !== undefined) return Number(pos);
  const m = /^Unexpected token '(.+?)', (?:\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON/.exec(message);
  if (!m) return undefined;
  const at = text.indexOf(m[2]!);
  return at < 0 ? undefined : at + Math.max(0, m[2]!.indexOf(m[1]!));
}

/** Reads daemon.json: a missing file is the common case and fine; not-JSON is a problem to report, and the other checks go on. */
export function readDaemonJson(path: string): DaemonJson {
  let text: string;
  let st;
  try {
    st = statSync(path);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { path, status: 'missing' };
    return { path, status: 'unreadable', problem: `${path}: cannot read (${code ?? 'error'}); daemon.json checks skipped` };
  }
  const owner = { uid: st.uid, gid: st.gid, mode: st.mode & 0o7777 };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const pos = jsonErrorOffset((err as Error).message, text);
    const line = pos === undefined ? undefined : text.slice(0, pos).split('\n').length;
    return { path, status: 'invalid', ...owner, problem: `${path}${line ? `:${line}` : ''}: not valid JSON (${(err as Error).message.split('\n')[0]}); daemon.json checks skipped` };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { path, status: 'invalid', ...owner, problem: `${path}: expected a JSON object at the top level; daemon.json checks skipped` };
  }
  return { path, status: 'read', ...owner, config: parsed as Record<string, unknown> };
}

function idNames(file: string): Map<number, { name: string; members: string[] }> {
  const out = new Map<number, { name: string; members: string[] }>();
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return out;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length < 3 || !/^\d+$/.test(f[2] ?? '')) continue;
    // /etc/group: name:x:gid:members; /etc/passwd: name:x:uid:gid:...
    out.set(Number(f[2]), { name: f[0]!, members: file.endsWith('group') ? (f[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean) : [f[3] ?? ''] });
  }
  return out;
}

function socketFacts(path: string, etcRoot: string): SocketFacts | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  const users = idNames(`${etcRoot}/passwd`);
  const groups = idNames(`${etcRoot}/group`);
  const group = groups.get(st.gid);
  // members of a group: listed in /etc/group, plus users whose primary group it is
  const primary = [...users.entries()].filter(([, u]) => u.members[0] === String(st.gid)).map(([, u]) => u.name);
  const members = [...new Set([...(group?.members ?? []), ...primary])].filter((m) => m !== 'root').sort();
  return {
    path,
    uid: st.uid,
    gid: st.gid,
    mode: st.mode & 0o7777,
    owner: users.get(st.uid)?.name ?? String(st.uid),
    group: group?.name ?? String(st.gid),
    groupMembers: members,
    auditUid: process.getuid ? process.getuid() : -1,
  };
}

async function imagesSummary(engine: EngineClient): Promise<ImagesSummary> {
  const [images, dangling] = await Promise.all([engine.listImages(), engine.listImages({ dangling: true })]);
  const tagged = images.filter((i) => (i.RepoTags ?? []).some((t) => t !== '<none>:<none>')).slice(0, MAX_IMAGES_INSPECTED);
  const users = await mapLimit(tagged, 8, async (i) => {
    try {
      const inspect = await engine.inspectImage(i.Id);
      return { ref: i.RepoTags?.[0] ?? i.Id, user: inspect.Config?.User ?? '' };
    } catch {
      return undefined; // removed since listed
    }
  });
  return {
    count: images.length,
    dangling: dangling.length,
    rootUser: users.filter((u): u is { ref: string; user: string } => u !== undefined && isRootUser(u.user)).map((u) => u.ref).sort(),
  };
}

/** PATH from a process's environment, or undefined when it cannot be read. */
function processPath(procRoot: string, pid: number | undefined): string | undefined {
  if (pid === undefined) return undefined;
  try {
    const entry = readFileSync(`${procRoot}/${pid}/environ`, 'utf8').split('\0').find((e) => e.startsWith('PATH='));
    return entry?.slice('PATH='.length);
  } catch {
    return undefined;
  }
}

const fileExists = (p: string): boolean => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function engineFiles(config: Record<string, unknown> | undefined, flags: ReadonlyMap<string, readonly string[]>, runtimeBinaries: readonly string[] = []): EngineFileFacts[] {
  const out: EngineFileFacts[] = [];
  const add = (path: string, maxMode: number, rootOwned: boolean, cis: string[]) => {
    try {
      const st = statSync(path);
      out.push({ path, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, maxMode, rootOwned, cis });
    } catch {
      // not on this host (another distribution's path, or TLS not configured)
    }
  };
  for (const f of ENGINE_FILES) for (const p of f.paths) add(p, f.maxMode, f.rootOwned, f.cis);
  for (const p of containerdSockets(flags, config)) add(p, CONTAINERD_SOCKET.maxMode, CONTAINERD_SOCKET.rootOwned, CONTAINERD_SOCKET.cis);
  for (const p of runtimeBinaries) add(p, RUNTIME_BINARY.maxMode, RUNTIME_BINARY.rootOwned, [...RUNTIME_BINARY.cis]);
  for (const t of TLS_FILES) {
    const p = config?.[t.key];
    if (typeof p === 'string') add(p, t.maxMode, true, t.cis);
  }
  return out;
}

/**
 * Owner and mode of everything under certs.d (the directory itself, each registry's directory
 * and its files), within REGISTRY_CERTS' depth and count bounds; symlinks are followed for the
 * mode the engine sees but not walked into. A missing certs.d gives nothing.
 */
export function registryCertFiles(certsDir: string): EngineFileFacts[] {
  const c = REGISTRY_CERTS;
  const out: EngineFileFacts[] = [];
  const walk = (path: string, depth: number) => {
    if (out.length >= c.maxEntries) return;
    let st;
    try {
      st = statSync(path);
    } catch {
      return; // gone meanwhile, or a dangling link
    }
    const dir = st.isDirectory();
    const maxMode = dir ? c.dirMaxMode : path.endsWith('.key') ? c.keyMaxMode : c.fileMaxMode;
    out.push({ path, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, maxMode, rootOwned: c.rootOwned, cis: [...c.cis] });
    if (!dir || depth >= c.maxDepth) return;
    let entries: Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isSymbolicLink()) {
        try {
          if (statSync(`${path}/${e.name}`).isDirectory()) continue;
        } catch {
          continue;
        }
      }
      walk(`${path}/${e.name}`, depth + 1);
    }
  };
  walk(certsDir, 0);
  return out;
}

function realPathOf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

const trimSlashes = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') : p);

/**
 * auditd watches from its rule files (audit.rules and rules.d/*.rules): `-w PATH` and
 * `-F path=PATH` / `-F dir=PATH`, each also resolved through symlinks (/lib is /usr/lib on a
 * merged-/usr system). `-w` on a directory and `-F dir=` watch the whole tree under it.
 */
export function auditdWatches(etcRoot: string): Pick<AuditdFacts, 'configDir' | 'watched' | 'trees'> {
  const dir = `${etcRoot}/audit`;
  let files: string[];
  try {
    files = [`${dir}/audit.rules`, ...readdirSync(`${dir}/rules.d`).filter((f) => f.endsWith('.rules')).map((f) => `${dir}/rules.d/${f}`)];
  } catch {
    try {
      statSync(`${dir}/audit.rules`);
      files = [`${dir}/audit.rules`];
    } catch {
      return { configDir: undefined, watched: [], trees: [] };
    }
  }
  const watched = new Set<string>();
  const trees = new Set<string>();
  const add = (path: string, tree: boolean) => {
    for (const p of new Set([trimSlashes(path), trimSlashes(realPathOf(path))])) {
      watched.add(p);
      if (tree) trees.add(p);
    }
  };
  for (const f of files) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (/^\s*#/.test(line)) continue;
      const w = /^\s*-w\s+(\S+)/.exec(line)?.[1];
      if (w) add(w, true);
      for (const m of line.matchAll(/-F\s+(path|dir)=(\S+)/g)) add(m[2]!, m[1] === 'dir');
    }
  }
  return { configDir: dir, watched: [...watched].sort(), trees: [...trees].sort() };
}

/** Where the AUDITED_PATHS sources are on this host, for the entries that name one. */
export type AuditedPathSources = Partial<Record<AuditedPathSource, readonly string[]>>;

/** The CIS 1.1 files and directories that exist here, once per item and real path. */
export function expectedAuditWatches(sources: AuditedPathSources): AuditdFacts['expected'] {
  const out: AuditdFacts['expected'] = [];
  for (const item of AUDITED_PATHS) {
    const seen = new Set<string>();
    for (const path of [...item.paths, ...(item.also ? (sources[item.also] ?? []) : [])]) {
      try {
        statSync(path);
      } catch {
        continue; // not on this host
      }
      const realPath = realPathOf(path);
      if (seen.has(realPath)) continue;
      seen.add(realPath);
      out.push({ cis: item.cis, path, realPath });
    }
  }
  return out;
}

function executableOf(procRoot: string, pid: number | undefined): string[] {
  if (pid === undefined) return [];
  try {
    return [readlinkSync(`${procRoot}/${pid}/exe`)];
  } catch {
    return [];
  }
}

function firstPid(procRoot: string, comm: string): number | undefined {
  try {
    for (const e of readdirSync(procRoot)) {
      if (!/^\d+$/.test(e)) continue;
      try {
        if (readFileSync(`${procRoot}/${e}/comm`, 'utf8').trim() === comm) return Number(e);
      } catch {
        // ended meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}

/** auditd's configuration, whether it runs, and the CIS 1.1 paths it should watch here. */
export function auditdFacts(etcRoot: string, procRoot: string, sources: AuditedPathSources): AuditdFacts {
  return { ...auditdWatches(etcRoot), running: firstPid(procRoot, 'auditd') !== undefined, expected: expectedAuditWatches(sources) };
}

/**
 * The data root's filesystem against /'s, by device (st_dev): a mount point alone says nothing,
 * since a bind mount of a directory on / is a mount point on the same filesystem. (A btrfs
 * subvolume has a device of its own while sharing the pool's space: it counts as separate.)
 */
export function dataRootFacts(path: string, procRoot: string, fsRoot = '/'): DataRootFacts | string {
  let device: number;
  let rootDevice: number;
  try {
    device = statSync(path).dev;
    rootDevice = statSync(fsRoot).dev;
  } catch (err) {
    return `${path}: cannot stat the engine data root (${(err as NodeJS.ErrnoException).code ?? 'error'}); data root check skipped`;
  }
  let mountPoint = false;
  try {
    mountPoint = readFileSync(`${procRoot}/self/mountinfo`, 'utf8')
      .split('\n')
      .some((l) => l.split(' ')[4] === path);
  } catch {
    // no mount table: the device comparison decides alone
  }
  return { path, device, rootDevice, mountPoint };
}

/** NodeCertExpiry is in nanoseconds (a Go time.Duration). */
const NS_PER_SECOND = 1e9;

/** GET /info Swarm, plus the overlay networks on a manager. Never GET /swarm: it carries the join tokens. */
export async function swarmFacts(engine: EngineClient, info: Record<string, unknown>): Promise<SwarmFacts> {
  const sw = (info.Swarm ?? {}) as {
    NodeID?: string;
    ControlAvailable?: boolean;
    Nodes?: number;
    Managers?: number;
    Cluster?: { Spec?: { EncryptionConfig?: { AutoLockManagers?: boolean }; CAConfig?: { NodeCertExpiry?: number } } };
  };
  const manager = sw.ControlAvailable === true;
  const facts: SwarmFacts = { nodeId: sw.NodeID ?? '', manager };
  if (!manager) return facts;
  if (typeof sw.Nodes === 'number') facts.nodes = sw.Nodes;
  if (typeof sw.Managers === 'number') facts.managers = sw.Managers;
  const spec = sw.Cluster?.Spec;
  if (typeof spec?.EncryptionConfig?.AutoLockManagers === 'boolean') facts.autoLock = spec.EncryptionConfig.AutoLockManagers;
  if (typeof spec?.CAConfig?.NodeCertExpiry === 'number') facts.nodeCertExpirySeconds = spec.CAConfig.NodeCertExpiry / NS_PER_SECOND;
  facts.overlayNetworks = (await engine.listNetworks({ driver: 'overlay' }))
    .filter((n) => n.Driver === 'overlay')
    .map((n) => ({ name: n.Name, encrypted: Object.prototype.hasOwnProperty.call(n.Options ?? {}, 'encrypted'), ingress: n.Ingress === true }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return facts;
}

/** GET /info Runtimes and DefaultRuntime; undefined when the engine sent no runtime map. */
export function runtimeFacts(info: Record<string, unknown>): RuntimeFacts | undefined {
  const registered = runtimesFromInfo(info);
  if (!registered) return undefined;
  return { registered, ...(typeof info.DefaultRuntime === 'string' && info.DefaultRuntime ? { defaultRuntime: info.DefaultRuntime } : {}) };
}

function component(v: EngineVersion, name: string): string | undefined {
  return v.Components?.find((c) => c.Name.toLowerCase() === name.toLowerCase())?.Version;
}

function componentCommit(v: EngineVersion, name: string): string | undefined {
  const commit: unknown = v.Components?.find((c) => c.Name.toLowerCase() === name.toLowerCase())?.Details?.GitCommit;
  return typeof commit === 'string' && commit ? commit : undefined;
}

/** Everything the host rules need about one engine. Engine errors propagate; host files that cannot be read are noted, not fatal. */
export async function collectHostFacts(engine: EngineClient, url: string | undefined, access: HostFileAccess = {}): Promise<{ facts: HostFacts; problems: string[] }> {
  const endpoint = discoverEngine(url);
  const [version, info] = await Promise.all([engine.version(), engine.info()]);
  const confinement = engineConfinement(info);
  const local = endpoint.socketPath !== undefined;
  const problems: string[] = [];
  const procRoot = access.procRoot ?? '/proc';
  const etcRoot = access.etcRoot ?? '/etc';

  let daemonJson: DaemonJson = { path: access.daemonJsonPath ?? '/etc/docker/daemon.json', status: 'remote' };
  let localSettings: { config: Record<string, unknown> | undefined; flags: Map<string, string[]> } | undefined;
  let socket: SocketFacts | undefined;
  let dockerdPid: number | undefined;
  if (local) {
    const dockerd = pickDockerd(dockerdProcesses(procRoot), endpoint.socketPath!);
    dockerdPid = dockerd?.pid;
    const flags = parseDockerdFlags(dockerd?.argv ?? []);
    const defaultPath = confinement.rootless ? `${process.env.XDG_CONFIG_HOME ?? `${homedir()}/.config`}/docker/daemon.json` : '/etc/docker/daemon.json';
    daemonJson = readDaemonJson(access.daemonJsonPath ?? flags.get('config-file')?.at(-1) ?? defaultPath);
    if (daemonJson.problem) problems.push(daemonJson.problem);
    localSettings = { config: daemonJson.config, flags };
    socket = socketFacts(endpoint.socketPath!, etcRoot);
    if (!socket) problems.push(`${endpoint.socketPath}: cannot stat the engine socket; socket checks skipped`);
  }
  const swarm = (info.Swarm ?? {}) as { LocalNodeState?: string };
  const facts: HostFacts = {
    endpoint: endpoint.url,
    local,
    rootless: confinement.rootless,
    versions: {
      engine: component(version, 'Engine') ?? version.Version,
      api: version.ApiVersion,
      containerd: component(version, 'containerd'),
      runc: component(version, 'runc'),
      kernel: typeof info.KernelVersion === 'string' ? info.KernelVersion : version.KernelVersion,
      os: typeof info.OperatingSystem === 'string' ? info.OperatingSystem : undefined,
      commits: { engine: componentCommit(version, 'Engine'), containerd: componentCommit(version, 'containerd'), runc: componentCommit(version, 'runc') },
    },
    confinement,
    daemon: daemonSettings(info, localSettings, endpoint.protocol === 'http'),
    daemonJson,
    ...(socket ? { socket } : {}),
    swarmActive: swarm.LocalNodeState === 'active',
    storageDriver: typeof info.Driver === 'string' ? info.Driver : '',
    containersStopped: typeof info.ContainersStopped === 'number' ? info.ContainersStopped : 0,
  };
  const runtimes = runtimeFacts(info);
  if (runtimes) facts.runtimes = runtimes;
  else problems.push('GET /info has no Runtimes: runtime checks skipped');
  if (local && !confinement.rootless) {
    // host files describe this machine's rootful engine; a rootless engine's are the user's own
    const runtimePaths = Object.values(facts.runtimes?.registered ?? {}).flatMap((r) => (r.path ? [r.path] : []));
    const binaries = runtimeBinaryPaths(runtimePaths, processPath(procRoot, dockerdPid) ?? DEFAULT_DAEMON_PATH, fileExists);
    facts.engineFiles = [...engineFiles(daemonJson.config, localSettings?.flags ?? new Map(), binaries), ...registryCertFiles(`${etcRoot}/${REGISTRY_CERTS.dir}`)];
    facts.auditd = auditdFacts(etcRoot, procRoot, {
      'dockerd-executable': executableOf(procRoot, dockerdPid),
      'containerd-executable': executableOf(procRoot, firstPid(procRoot, 'containerd')),
      'data-root': typeof info.DockerRootDir === 'string' ? [info.DockerRootDir] : [],
      'daemon-json': [daemonJson.path],
      'containerd-socket': containerdSockets(localSettings?.flags ?? new Map(), daemonJson.config),
    });
  }
  if (facts.swarmActive) {
    try {
      facts.swarm = await swarmFacts(engine, info);
    } catch (err) {
      problems.push(`swarm checks skipped: ${(err as Error).message}`);
    }
  }
  if (local && typeof info.DockerRootDir === 'string') {
    const dataRoot = dataRootFacts(info.DockerRootDir, procRoot, access.fsRoot);
    if (typeof dataRoot === 'string') problems.push(dataRoot);
    else facts.dataRoot = dataRoot;
  }
  try {
    facts.images = await imagesSummary(engine);
  } catch (err) {
    problems.push(`images summary skipped: ${(err as Error).message}`);
  }
  return { facts, problems };
}
