import { readFileSync } from 'node:fs';
import { isAbsolute, posix, resolve } from 'node:path';
import { BulkheadError } from '../errors.js';
import { parseCpus, parsePositiveInt, parseSize } from './units.js';
import { PULL_MODES, type PullMode } from './pull.js';

/** A bind mount or a named volume asked for with -v or --mount. */
export interface MountRequest {
  type: 'bind' | 'volume';
  /** host path (absolute, normalised) for bind; the volume name for volume */
  source: string;
  target: string;
  readOnly: boolean;
  /** true when the user asked for rw explicitly */
  readWriteRequested: boolean;
  /** the flag as written, for messages */
  spec: string;
}

/** One -p/--publish. */
export interface PublishRequest {
  hostIp?: string;
  hostPort: string;
  containerPort: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  spec: string;
}

/** One --tmpfs PATH[:size=..,mode=..]: always noexec,nosuid,nodev (exec only from a policy). */
export interface TmpfsRequest {
  path: string;
  sizeBytes?: number;
  /** octal, e.g. "1777" */
  mode?: string;
  spec: string;
}

/** --health-cmd / --health-interval, as the Engine API's Healthcheck wants them. */
export interface HealthRequest {
  command: string;
  /** nanoseconds; the engine's default (30s) when absent */
  intervalNs?: number;
}

/**
 * What the user asked `bulkhead run` for, parsed from flags but not yet checked against the
 * policy (that is preflight's job). Optional fields were not given.
 */
export interface RunRequest {
  image: string;
  command: string[];
  name?: string;
  /** KEY=VALUE entries, values already taken from the environment for bare KEY */
  env: string[];
  labels: Record<string, string>;
  mounts: MountRequest[];
  publish: PublishRequest[];
  network?: string;
  memoryBytes?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  capAdd: string[];
  user?: string;
  readOnly?: boolean;
  privileged?: boolean;
  /** --pid/--ipc/--uts/--userns as given: anything but private is refused */
  namespaces: Partial<Record<'pid' | 'ipc' | 'uts' | 'userns', string>>;
  detach: boolean;
  remove: boolean;
  noGate: boolean;
  /** -i: keep the container's stdin open and stream ours into it */
  interactive: boolean;
  /** -t: a pseudo-TTY (output is not split into stdout and stderr) */
  tty: boolean;
  tmpfs: TmpfsRequest[];
  workdir?: string;
  /** --entrypoint: "" clears the image's entrypoint, like docker */
  entrypoint?: string;
  init?: boolean;
  /** seconds the engine waits after SIGTERM before SIGKILL (docker stop, and our signal forwarding) */
  stopTimeout?: number;
  hostname?: string;
  health?: HealthRequest;
  /** file the container id is written to once it is created (refused when it exists, like docker) */
  cidfile?: string;
  /** os/arch[/variant] the image must be for */
  platform?: string;
  /** --pull: missing (default), always, never */
  pull?: PullMode;
}

export function emptyRequest(image: string, command: string[] = []): RunRequest {
  return { image, command, env: [], labels: {}, mounts: [], publish: [], capAdd: [], namespaces: {}, detach: false, remove: false, noGate: false, interactive: false, tty: false, tmpfs: [] };
}

function hostPath(source: string, cwd: string): string {
  return isAbsolute(source) ? resolve(source) : resolve(cwd, source);
}

/** `-v SRC:DST[:ro|rw]`; SRC starting with / or . is a host path, otherwise a volume name. */
export function parseVolume(spec: string, cwd: string): MountRequest {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) {
    throw new BulkheadError('usage', `-v ${spec}: expected SOURCE:TARGET[:ro|rw]`);
  }
  const [source = '', target = '', mode] = parts;
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') {
    throw new BulkheadError('usage', `-v ${spec}: unknown option "${mode}" (expected ro or rw)`);
  }
  if (!isAbsolute(target)) throw new BulkheadError('usage', `-v ${spec}: the target ${target} must be an absolute path`);
  const isPath = source.startsWith('/') || source.startsWith('.');
  return {
    type: isPath ? 'bind' : 'volume',
    source: isPath ? hostPath(source, cwd) : source,
    target,
    readOnly: mode !== 'rw',
    readWriteRequested: mode === 'rw',
    spec,
  };
}

/** `--mount type=bind|volume,source=..,target=..[,readonly[=true|false]]` */
export function parseMount(spec: string, cwd: string): MountRequest {
  const fields = new Map<string, string | undefined>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim().toLowerCase();
    if (!key) throw new BulkheadError('usage', `--mount ${spec}: empty field`);
    fields.set(key, eq === -1 ? undefined : part.slice(eq + 1));
  }
  const known = new Set(['type', 'source', 'src', 'target', 'destination', 'dst', 'readonly', 'ro']);
  for (const key of fields.keys()) {
    if (!known.has(key)) throw new BulkheadError('usage', `--mount ${spec}: unsupported field "${key}" (supported: type, source, target, readonly)`);
  }
  const type = fields.get('type') ?? 'volume';
  if (type !== 'bind' && type !== 'volume') {
    throw new BulkheadError('usage', `--mount ${spec}: type=${type} is not supported (bind or volume; tmpfs comes from the policy)`);
  }
  const source = fields.get('source') ?? fields.get('src');
  const target = fields.get('target') ?? fields.get('destination') ?? fields.get('dst');
  if (!source) throw new BulkheadError('usage', `--mount ${spec}: source= is required`);
  if (!target || !isAbsolute(target)) throw new BulkheadError('usage', `--mount ${spec}: target= must be an absolute path`);
  const roKey = fields.has('readonly') ? 'readonly' : fields.has('ro') ? 'ro' : undefined;
  let readOnly = true;
  let readWriteRequested = false;
  if (roKey) {
    const v = (fields.get(roKey) ?? 'true').toLowerCase();
    if (v === 'false' || v === '0') {
      readOnly = false;
      readWriteRequested = true;
    } else if (v !== 'true' && v !== '1') {
      throw new BulkheadError('usage', `--mount ${spec}: ${roKey}=${v} (expected true or false)`);
    }
  }
  return { type, source: type === 'bind' ? hostPath(source, cwd) : source, target, readOnly, readWriteRequested, spec };
}

/** `-p [IP:][HOSTPORT:]CONTAINERPORT[/PROTO]` */
export function parsePublish(spec: string): PublishRequest {
  let rest = spec;
  let protocol: PublishRequest['protocol'] = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash !== -1) {
    const proto = rest.slice(slash + 1);
    if (proto !== 'tcp' && proto !== 'udp' && proto !== 'sctp') throw new BulkheadError('usage', `-p ${spec}: unknown protocol "${proto}"`);
    protocol = proto;
    rest = rest.slice(0, slash);
  }
  // an IPv6 host IP is written in brackets: [::1]:8080:80
  let hostIp: string | undefined;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    hostIp = v6[1];
    rest = v6[2] ?? '';
  }
  const parts = rest.split(':');
  if (!hostIp && parts.length === 3) hostIp = parts.shift();
  if (parts.length > 2 || parts.length === 0) throw new BulkheadError('usage', `-p ${spec}: expected [IP:][HOSTPORT:]CONTAINERPORT[/PROTO]`);
  const containerPort = parts.pop() ?? '';
  const hostPort = parts.pop() ?? '';
  const port = /^[0-9]{1,5}$/;
  if (!port.test(containerPort) || Number(containerPort) > 65535 || (hostPort !== '' && (!port.test(hostPort) || Number(hostPort) > 65535))) {
    throw new BulkheadError('usage', `-p ${spec}: ports must be numbers from 1 to 65535`);
  }
  if (hostIp !== undefined && !/^[0-9a-fA-F:.]+$/.test(hostIp)) throw new BulkheadError('usage', `-p ${spec}: "${hostIp}" is not an IP address`);
  return { ...(hostIp !== undefined ? { hostIp } : {}), hostPort, containerPort, protocol, spec };
}

/** `-e KEY=VALUE`, or `-e KEY` to take the value from bulkhead's own environment (like docker). */
export function parseEnv(spec: string, env: Record<string, string | undefined>): string | undefined {
  const eq = spec.indexOf('=');
  const key = eq === -1 ? spec : spec.slice(0, eq);
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new BulkheadError('usage', `-e ${key}: not a valid variable name`);
  if (eq !== -1) return spec;
  const value = env[key];
  return value === undefined ? undefined : `${key}=${value}`;
}

/** Paths a tmpfs may never cover: the kernel's and the runtime's own filesystems. */
const TMPFS_DENIED = ['/proc', '/sys', '/dev'];

/** `--tmpfs PATH[:size=SIZE,mode=OCTAL]`; exec/suid/dev options are not accepted from a flag. */
export function parseTmpfs(spec: string): TmpfsRequest {
  const colon = spec.indexOf(':');
  const rawPath = colon === -1 ? spec : spec.slice(0, colon);
  const opts = colon === -1 ? '' : spec.slice(colon + 1);
  if (!isAbsolute(rawPath) || /[\s,:]/.test(rawPath)) throw new BulkheadError('usage', `--tmpfs ${spec}: the path must be absolute, without spaces, commas or colons`);
  const path = posix.normalize(rawPath).replace(/(.)\/+$/, '$1');
  if (path === '/') throw new BulkheadError('usage', `--tmpfs ${spec}: a tmpfs over / would replace the image`);
  const denied = TMPFS_DENIED.find((d) => path === d || path.startsWith(`${d}/`));
  if (denied) throw new BulkheadError('usage', `--tmpfs ${spec}: ${denied} belongs to the kernel and the runtime, not to the image`);
  const request: TmpfsRequest = { path, spec };
  for (const opt of opts === '' ? [] : opts.split(',')) {
    const eq = opt.indexOf('=');
    const key = (eq === -1 ? opt : opt.slice(0, eq)).trim();
    const value = eq === -1 ? '' : opt.slice(eq + 1).trim();
    if (key === 'size') request.sizeBytes = parseSize(`--tmpfs ${spec}: size=`, value);
    else if (key === 'mode') {
      if (!/^[0-7]{3,4}$/.test(value)) throw new BulkheadError('usage', `--tmpfs ${spec}: mode=${value} is not an octal mode (e.g. 755 or 1777)`);
      request.mode = value;
    } else if (['exec', 'suid', 'dev', 'noexec', 'nosuid', 'nodev', 'uid', 'gid'].includes(key)) {
      throw new BulkheadError('usage', `--tmpfs ${spec}: ${key} cannot be set from a flag (always noexec,nosuid,nodev, owned by the run's user; exec only where the policy allows it)`);
    } else {
      throw new BulkheadError('usage', `--tmpfs ${spec}: unknown option "${key}" (supported: size, mode)`);
    }
  }
  return request;
}

/**
 * `--env-file FILE`, read the way docker reads it: one KEY=VALUE a line, the value taken as is
 * (no quotes removed), `#` lines and blank lines skipped, a bare KEY taken from our environment.
 */
export function parseEnvFile(file: string, cwd: string, env: Record<string, string | undefined>): string[] {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new BulkheadError('usage', `--env-file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  const out: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq === -1 ? line.trimEnd() : line.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new BulkheadError('usage', `--env-file ${file}:${i + 1}: "${key}" is not a valid variable name`);
    if (eq !== -1) out.push(`${key}=${line.slice(eq + 1)}`);
    else if (env[key] !== undefined) out.push(`${key}=${env[key]}`);
  });
  return out;
}

/** Go durations as docker takes them for --health-interval: 30s, 1m30s, 500ms. */
export function parseDuration(flag: string, text: string): number {
  const units: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  const parts = [...text.trim().matchAll(/([0-9]+(?:\.[0-9]+)?)(ns|us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.trim()) {
    throw new BulkheadError('usage', `${flag} ${text}: not a duration (e.g. 30s, 1m30s, 500ms)`);
  }
  const ns = Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? 's'] ?? 1), 0));
  // the engine refuses health intervals under 1 ms
  if (ns < 1e6) throw new BulkheadError('usage', `${flag} ${text}: must be at least 1ms`);
  return ns;
}

/** `-l KEY=VALUE` */
export function parseLabel(spec: string): [string, string] {
  const eq = spec.indexOf('=');
  const key = eq === -1 ? spec : spec.slice(0, eq);
  if (!key) throw new BulkheadError('usage', `--label ${spec}: expected KEY=VALUE`);
  return [key, eq === -1 ? '' : spec.slice(eq + 1)];
}

/** The flags of `bulkhead run` as commander hands them over. */
export interface RunFlags {
  detach?: boolean;
  rm?: boolean;
  name?: string;
  env?: string[];
  volume?: string[];
  mount?: string[];
  publish?: string[];
  label?: string[];
  network?: string;
  memory?: string;
  cpus?: string;
  pidsLimit?: string;
  capAdd?: string[];
  user?: string;
  readOnly?: boolean;
  privileged?: boolean;
  pid?: string;
  ipc?: string;
  uts?: string;
  userns?: string;
  /** commander's --no-gate: false when given */
  gate?: boolean;
  interactive?: boolean;
  tty?: boolean;
  tmpfs?: string[];
  workdir?: string;
  entrypoint?: string;
  envFile?: string[];
  init?: boolean;
  stopTimeout?: string;
  hostname?: string;
  healthCmd?: string;
  healthInterval?: string;
  cidfile?: string;
  platform?: string;
  pull?: string;
}

/** Flags -> RunRequest; malformed values are usage errors (exit 123), policy checks come later. */
export function buildRunRequest(image: string, command: string[], flags: RunFlags, ctx: { cwd: string; env: Record<string, string | undefined> }): RunRequest {
  const request = emptyRequest(image, command);
  if (image.trim() === '' || image.startsWith('-')) throw new BulkheadError('usage', `"${image}" is not an image reference`);
  if (flags.name !== undefined) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(flags.name)) throw new BulkheadError('usage', `--name ${flags.name}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    request.name = flags.name;
  }
  // like docker: the files first, so -e overrides what they set
  for (const f of flags.envFile ?? []) request.env.push(...parseEnvFile(f, ctx.cwd, ctx.env));
  for (const e of flags.env ?? []) {
    const entry = parseEnv(e, ctx.env);
    if (entry !== undefined) request.env.push(entry);
  }
  for (const l of flags.label ?? []) {
    const [k, v] = parseLabel(l);
    request.labels[k] = v;
  }
  for (const v of flags.volume ?? []) request.mounts.push(parseVolume(v, ctx.cwd));
  for (const m of flags.mount ?? []) request.mounts.push(parseMount(m, ctx.cwd));
  for (const p of flags.publish ?? []) request.publish.push(parsePublish(p));
  if (flags.network !== undefined) request.network = flags.network;
  if (flags.memory !== undefined) request.memoryBytes = parseSize('--memory', flags.memory);
  if (flags.cpus !== undefined) request.nanoCpus = parseCpus('--cpus', flags.cpus);
  if (flags.pidsLimit !== undefined) request.pidsLimit = parsePositiveInt('--pids-limit', flags.pidsLimit);
  request.capAdd = flags.capAdd ?? [];
  if (flags.user !== undefined) request.user = flags.user;
  if (flags.readOnly) request.readOnly = true;
  if (flags.privileged) request.privileged = true;
  for (const ns of ['pid', 'ipc', 'uts', 'userns'] as const) {
    const value = flags[ns];
    if (value !== undefined) request.namespaces[ns] = value;
  }
  request.detach = flags.detach === true;
  request.remove = flags.rm === true;
  request.noGate = flags.gate === false;
  request.interactive = flags.interactive === true;
  request.tty = flags.tty === true;
  for (const t of flags.tmpfs ?? []) request.tmpfs.push(parseTmpfs(t));
  if (flags.workdir !== undefined) {
    if (!isAbsolute(flags.workdir)) throw new BulkheadError('usage', `--workdir ${flags.workdir}: must be an absolute path`);
    request.workdir = flags.workdir;
  }
  if (flags.entrypoint !== undefined) request.entrypoint = flags.entrypoint;
  if (flags.init) request.init = true;
  if (flags.stopTimeout !== undefined) {
    if (!/^[0-9]+$/.test(flags.stopTimeout.trim())) throw new BulkheadError('usage', `--stop-timeout ${flags.stopTimeout}: expected whole seconds`);
    request.stopTimeout = Number(flags.stopTimeout);
  }
  if (flags.hostname !== undefined) {
    // RFC 1123 labels: what the kernel and resolvers accept as a host name
    if (!/^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/.test(flags.hostname)) {
      throw new BulkheadError('usage', `--hostname ${flags.hostname}: not a valid host name (letters, digits, '-' and '.')`);
    }
    request.hostname = flags.hostname;
  }
  if (flags.healthInterval !== undefined && flags.healthCmd === undefined) throw new BulkheadError('usage', '--health-interval needs --health-cmd');
  if (flags.healthCmd !== undefined) {
    if (flags.healthCmd.trim() === '') throw new BulkheadError('usage', '--health-cmd: empty command');
    request.health = { command: flags.healthCmd, ...(flags.healthInterval !== undefined ? { intervalNs: parseDuration('--health-interval', flags.healthInterval) } : {}) };
  }
  if (flags.cidfile !== undefined) request.cidfile = resolve(ctx.cwd, flags.cidfile);
  if (flags.platform !== undefined) {
    if (!/^[a-z0-9]+\/[a-z0-9]+(\/[a-z0-9]+)?$/.test(flags.platform)) throw new BulkheadError('usage', `--platform ${flags.platform}: expected os/arch[/variant], e.g. linux/amd64`);
    request.platform = flags.platform;
  }
  if (flags.pull !== undefined) {
    if (!(PULL_MODES as string[]).includes(flags.pull)) throw new BulkheadError('usage', `--pull ${flags.pull}: expected missing, always or never`);
    request.pull = flags.pull as PullMode;
  }
  return request;
}
