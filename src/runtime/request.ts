import { isAbsolute, resolve } from 'node:path';
import { BulkheadError } from '../errors.js';
import { parseCpus, parsePositiveInt, parseSize } from './units.js';

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
}

export function emptyRequest(image: string, command: string[] = []): RunRequest {
  return { image, command, env: [], labels: {}, mounts: [], publish: [], capAdd: [], namespaces: {}, detach: false, remove: false, noGate: false, interactive: false, tty: false };
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
}

/** Flags -> RunRequest; malformed values are usage errors (exit 123), policy checks come later. */
export function buildRunRequest(image: string, command: string[], flags: RunFlags, ctx: { cwd: string; env: Record<string, string | undefined> }): RunRequest {
  const request = emptyRequest(image, command);
  if (image.trim() === '' || image.startsWith('-')) throw new BulkheadError('usage', `"${image}" is not an image reference`);
  if (flags.name !== undefined) {
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(flags.name)) throw new BulkheadError('usage', `--name ${flags.name}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    request.name = flags.name;
  }
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
  return request;
}
