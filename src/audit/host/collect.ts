import { readFileSync, readdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import type { EngineClient, EngineVersion } from '../../engine/client.js';
import { discoverEngine } from '../../engine/endpoint.js';
import { engineConfinement } from '../container/normalize.js';
import { isRootUser } from '../../users.js';
import { mapLimit } from '../container/map-limit.js';
import { daemonSettings, parseDockerdFlags, pickDockerd } from './daemon-settings.js';
import type { DaemonJson, EngineFileFacts, HostFacts, ImagesSummary, SocketFacts } from './facts.js';
import { ENGINE_FILES, TLS_FILES } from './engine-files.js';

export interface HostFileAccess {
  /** where daemon.json is; default: dockerd's --config-file, else the standard place */
  daemonJsonPath?: string;
  /** for tests: where /proc and /etc are */
  procRoot?: string;
  etcRoot?: string;
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

function engineFiles(config: Record<string, unknown> | undefined): EngineFileFacts[] {
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
  for (const t of TLS_FILES) {
    const p = config?.[t.key];
    if (typeof p === 'string') add(p, t.maxMode, true, t.cis);
  }
  return out;
}

/** auditd watches from its rule files: `-w PATH` and `-F path=PATH` / `-F dir=PATH`. */
export function auditdWatches(etcRoot: string): { configDir: string | undefined; watched: string[] } {
  const dir = `${etcRoot}/audit`;
  let files: string[];
  try {
    files = [`${dir}/audit.rules`, ...readdirSync(`${dir}/rules.d`).filter((f) => f.endsWith('.rules')).map((f) => `${dir}/rules.d/${f}`)];
  } catch {
    try {
      statSync(`${dir}/audit.rules`);
      files = [`${dir}/audit.rules`];
    } catch {
      return { configDir: undefined, watched: [] };
    }
  }
  const watched = new Set<string>();
  for (const f of files) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const w = /^\s*-w\s+(\S+)/.exec(line)?.[1];
      if (w) watched.add(w.replace(/\/+$/, ''));
      for (const m of line.matchAll(/-F\s+(?:path|dir)=(\S+)/g)) watched.add(m[1]!.replace(/\/+$/, ''));
    }
  }
  return { configDir: dir, watched: [...watched].sort() };
}

/** Whether the data root (or a directory above it, other than /) is its own mount. */
function dataRootMount(path: string, procRoot: string): { path: string; separateMount: boolean } {
  let mountPoints: string[] = [];
  try {
    mountPoints = readFileSync(`${procRoot}/self/mountinfo`, 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter(Boolean);
  } catch {
    // no mount table: say "not separate" rather than guess
  }
  const separateMount = mountPoints.some((m) => m !== '/' && (path === m || path.startsWith(`${m}/`)) && !m.startsWith(`${path}/`));
  return { path, separateMount };
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
  if (local) {
    const dockerd = pickDockerd(dockerdProcesses(procRoot), endpoint.socketPath!);
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
  if (local && !confinement.rootless) {
    // host files describe this machine's rootful engine; a rootless engine's are the user's own
    facts.engineFiles = engineFiles(daemonJson.config);
    facts.auditd = auditdWatches(etcRoot);
  }
  if (local && typeof info.DockerRootDir === 'string') facts.dataRoot = dataRootMount(info.DockerRootDir, procRoot);
  try {
    facts.images = await imagesSummary(engine);
  } catch (err) {
    problems.push(`images summary skipped: ${(err as Error).message}`);
  }
  return { facts, problems };
}
