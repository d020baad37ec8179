import { dirname, isAbsolute, resolve } from 'node:path';
import type { ContainerFacts, ContainerMount, EngineConfinement, FactSources, PublishedPort, UnknownFact } from '../container/facts.js';
import { normaliseCapability } from '../container/normalize.js';
import { namedUser } from '../../users.js';
import { InputError, asBool, asMap, asNumber, asScalar, asSeq, asString, field, type YLoc, type YMap, type YValue } from '../yaml/located.js';
import { listToMap } from './merge.js';

/** What a compose file cannot say about the engine it will run on: rules that need it stay silent. */
const UNKNOWN_ENGINE: EngineConfinement = { seccomp: false, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '' };

const BYTE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

/** Compose byte values: a number of bytes, or "256m", "1gb", "512k" (binary multiples, as docker). */
export function composeBytes(v: YValue | undefined, what: string): number | undefined {
  const s = asScalar(v, what);
  if (s === undefined || s.value === null) return undefined;
  if (typeof s.value === 'number') return s.value;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(s.value));
  const factor = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) throw new InputError(s.loc, `${what} must be a size such as 256m or 1g, not ${JSON.stringify(s.value)}`);
  return Math.round(Number(m[1]) * factor);
}

function cpus(v: YValue | undefined, what: string): number | undefined {
  const s = asScalar(v, what);
  if (s === undefined || s.value === null) return undefined;
  const n = Number(s.value);
  if (!Number.isFinite(n) || n < 0) throw new InputError(s.loc, `${what} must be a number of CPUs such as 0.5, not ${JSON.stringify(s.value)}`);
  return Math.round(n * 1e9);
}

const PROPAGATIONS = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);

/** Where compose resolves a relative bind source: the directory of the file that wrote it. */
function hostPath(source: string, loc: YLoc, projectDir: string): string {
  if (isAbsolute(source) || source.startsWith('~')) return source;
  const base = loc.file ? dirname(resolve(projectDir, loc.file)) : projectDir;
  return resolve(base, source);
}

function isPathSource(source: string): boolean {
  return source.startsWith('/') || source.startsWith('.') || source.startsWith('~');
}

function volume(item: YValue, projectDir: string, tmpfsOut: Record<string, string>): ContainerMount | undefined {
  if (item.kind === 'scalar') {
    const text = asString(item, 'volume') ?? '';
    const parts = text.split(':');
    if (parts.length === 1) return { type: 'volume', source: '', destination: parts[0]!, rw: true, propagation: '' };
    const [source, destination, mode = ''] = parts as [string, string, string?];
    const opts = mode.split(',');
    const propagation = opts.find((o) => PROPAGATIONS.has(o)) ?? '';
    const bind = isPathSource(source);
    return { type: bind ? 'bind' : 'volume', source: bind ? hostPath(source, item.loc, projectDir) : source, destination, rw: !opts.includes('ro'), propagation };
  }
  const m = asMap(item, 'volume')!;
  const type = asString(field(m, 'type'), 'volume type') ?? 'volume';
  const source = asString(field(m, 'source'), 'volume source') ?? '';
  const destination = asString(field(m, 'target'), 'volume target') ?? '';
  if (type === 'tmpfs') {
    tmpfsOut[destination] = '';
    return undefined;
  }
  const readOnly = asBool(field(m, 'read_only'), 'volume read_only') ?? false;
  const propagation = asString(field(asMap(field(m, 'bind'), 'volume bind'), 'propagation'), 'bind propagation') ?? '';
  return { type, source: type === 'bind' ? hostPath(source, m.loc, projectDir) : source, destination, rw: !readOnly, propagation };
}

/** "[ip:][published:]target[/proto]" (ip may be [v6]) and the long syntax. */
function ports(item: YValue): PublishedPort[] {
  if (item.kind === 'map') {
    const target = asString(field(item, 'target'), 'port target') ?? '';
    const protocol = asString(field(item, 'protocol'), 'port protocol') ?? 'tcp';
    return [{ containerPort: `${target}/${protocol}`, hostIp: asString(field(item, 'host_ip'), 'port host_ip') ?? '', hostPort: asString(field(item, 'published'), 'port published') ?? '' }];
  }
  const text = asString(item, 'port') ?? '';
  const [spec, protocol = 'tcp'] = text.split('/') as [string, string?];
  const m = /^(?:(\[[^\]]+\]|[^:]*):)??(?:([^:]*):)?([^:]+)$/.exec(spec);
  if (!m) throw new InputError(item.loc, `port ${JSON.stringify(text)} is not [ip:][host:]container[/protocol]`);
  const hostIp = (m[1] ?? '').replace(/^\[|\]$/g, '');
  return [{ containerPort: `${m[3]}/${protocol}`, hostIp, hostPort: m[2] ?? '' }];
}

function mapEntries(v: YValue | undefined, what: string): Array<{ key: string; value: string | undefined; loc: YLoc }> {
  if (v === undefined) return [];
  const m = asMap(listToMap(v, what), what)!;
  return [...m.entries.values()].map((e) => {
    const s = e.value.kind === 'scalar' ? e.value.value : undefined;
    if (e.value.kind !== 'scalar') throw new InputError(e.value.loc, `${what}.${e.key} must be a single value`);
    return { key: e.key, value: s === null || s === undefined ? undefined : String(s), loc: e.keyLoc };
  });
}

export interface ComposeContext {
  project: string;
  /** the directory relative bind sources resolve against when a node has no file */
  dir: string;
  /** the service's key in the file (findings without a field of their own point there); default: its first field */
  keyLoc?: YLoc;
  /** variables read from its env_file files (environment: wins over them, as in compose) */
  envFromFiles?: ReadonlyArray<{ name: string; value: string; loc: YLoc }>;
}

/**
 * A compose service (after merging, extends and interpolation) -> the facts the container rules
 * read, with where each was written. What the file leaves to the image (USER, HEALTHCHECK) or
 * to the engine (seccomp/AppArmor support, userns-remap) is marked unknown.
 */
export function fromComposeService(name: string, node: YMap, ctx: ComposeContext): ContainerFacts {
  const sources: Record<string, YLoc> = { self: ctx.keyLoc ?? node.loc };
  const unknown: UnknownFact[] = ['engine'];
  const at = (key: string, fieldName: string): void => {
    const e = node.entries.get(fieldName);
    if (e) sources[key] = e.keyLoc;
  };
  const what = (f: string): string => `service ${name}: ${f}`;
  const deploy = asMap(field(node, 'deploy'), what('deploy'));
  const limits = asMap(field(asMap(field(deploy, 'resources'), what('deploy.resources')), 'limits'), what('deploy.resources.limits'));

  const capAdd = asSeq(field(node, 'cap_add'), what('cap_add'))?.items ?? [];
  const capDrop = asSeq(field(node, 'cap_drop'), what('cap_drop'))?.items ?? [];
  at('capAdd', 'cap_add');
  at('capDrop', 'cap_drop');
  for (const c of capAdd) sources[`capAdd:${normaliseCapability(asString(c, what('cap_add item')) ?? '')}`] = c.loc;

  const tmpfs: Record<string, string> = {};
  const tmpfsField = field(node, 'tmpfs');
  for (const t of tmpfsField?.kind === 'seq' ? tmpfsField.items : tmpfsField ? [tmpfsField] : []) {
    const text = asString(t, what('tmpfs')) ?? '';
    const i = text.indexOf(':');
    tmpfs[i < 0 ? text : text.slice(0, i)] = i < 0 ? '' : text.slice(i + 1);
  }

  const mounts: ContainerMount[] = [];
  for (const v of asSeq(field(node, 'volumes'), what('volumes'))?.items ?? []) {
    const m = volume(v, ctx.dir, tmpfs);
    if (!m) continue;
    mounts.push(m);
    sources[`mounts:${m.destination}`] = v.loc;
    sources[`mounts:${m.source}`] ??= v.loc;
  }
  // use_api_socket mounts the engine socket (and the registry credentials) into the container
  if (asBool(field(node, 'use_api_socket'), what('use_api_socket'))) {
    mounts.push({ type: 'bind', source: '/var/run/docker.sock', destination: '/var/run/docker.sock', rw: true, propagation: '' });
    sources['mounts:/var/run/docker.sock'] = node.entries.get('use_api_socket')!.keyLoc;
  }

  const devices = (asSeq(field(node, 'devices'), what('devices'))?.items ?? []).map((d) => {
    let dev: { host: string; container: string; permissions: string };
    if (d.kind === 'map') {
      dev = { host: asString(field(d, 'source'), 'device source') ?? '', container: asString(field(d, 'target'), 'device target') ?? '', permissions: asString(field(d, 'permissions'), 'device permissions') ?? '' };
    } else {
      const [host = '', container = '', permissions = ''] = (asString(d, what('devices item')) ?? '').split(':');
      dev = { host, container: container || host, permissions };
    }
    sources[`devices:${dev.host}`] = d.loc;
    return dev;
  });

  const restartText = asString(field(node, 'restart'), what('restart'));
  let restart = { name: '', maxRetries: 0 };
  if (restartText !== undefined) {
    const [rname = '', n] = restartText.split(':');
    restart = { name: rname === 'no' ? 'no' : rname, maxRetries: n === undefined ? 0 : Number(n) || 0 };
    at('restart', 'restart');
  } else {
    const rp = asMap(field(deploy, 'restart_policy'), what('deploy.restart_policy'));
    if (rp) {
      const cond = asString(field(rp, 'condition'), what('deploy.restart_policy.condition')) ?? 'any';
      restart = { name: cond === 'any' ? 'always' : cond === 'none' ? 'no' : cond, maxRetries: asNumber(field(rp, 'max_attempts'), what('max_attempts')) ?? 0 };
      sources.restart = rp.loc;
    }
  }

  const hc = asMap(field(node, 'healthcheck'), what('healthcheck'));
  let healthcheck: string[] | undefined;
  if (hc) {
    sources.healthcheck = node.entries.get('healthcheck')!.keyLoc;
    const test = field(hc, 'test');
    if (asBool(field(hc, 'disable'), what('healthcheck.disable'))) healthcheck = ['NONE'];
    else if (test?.kind === 'seq') healthcheck = test.items.map((i) => asString(i, what('healthcheck.test')) ?? '');
    else if (test) healthcheck = ['CMD-SHELL', asString(test, what('healthcheck.test')) ?? ''];
    else unknown.push('healthcheck');
  } else unknown.push('healthcheck');

  const user = asString(field(node, 'user'), what('user'));
  // no user, or a name: which uid it is is the image's to say (its USER, its /etc/passwd), as for a create request
  const userName = user === undefined ? undefined : namedUser(user);
  const userUidUnknown = user === undefined || user === '' || (userName !== undefined && userName !== 'root');
  at('user', 'user');

  // deploy.resources.limits.* when the short field is absent; the location is whichever set it
  const limitEntry = (k: string): void => {
    const e = limits?.entries.get(k);
    if (e) sources[`resources.${k === 'memory' ? 'memory' : k === 'cpus' ? 'nanoCpus' : 'pidsLimit'}`] = e.keyLoc;
  };
  limitEntry('memory');
  limitEntry('cpus');
  limitEntry('pids');
  const memory = composeBytes(field(node, 'mem_limit'), what('mem_limit')) ?? composeBytes(field(limits, 'memory'), what('deploy.resources.limits.memory')) ?? 0;
  at('resources.memory', 'mem_limit');
  const nanoCpus = cpus(field(node, 'cpus'), what('cpus')) ?? cpus(field(limits, 'cpus'), what('deploy.resources.limits.cpus')) ?? 0;
  at('resources.nanoCpus', 'cpus');
  const pids = asNumber(field(node, 'pids_limit'), what('pids_limit')) ?? asNumber(field(limits, 'pids'), what('deploy.resources.limits.pids'));
  at('resources.pidsLimit', 'pids_limit');

  const ulimitsMap = asMap(field(node, 'ulimits'), what('ulimits'));
  const ulimits = [...(ulimitsMap?.entries.values() ?? [])].map((e) => {
    if (e.value.kind === 'map') {
      return { name: e.key, soft: asNumber(field(e.value, 'soft'), `ulimits.${e.key}.soft`) ?? 0, hard: asNumber(field(e.value, 'hard'), `ulimits.${e.key}.hard`) ?? 0 };
    }
    const n = asNumber(e.value, `ulimits.${e.key}`) ?? 0;
    return { name: e.key, soft: n, hard: n };
  });

  const securityOpt = (asSeq(field(node, 'security_opt'), what('security_opt'))?.items ?? []).map((i) => {
    const o = asString(i, what('security_opt item')) ?? '';
    sources[`securityOpt:${o.split(/[:=]/)[0]!.toLowerCase()}`] = i.loc;
    return o;
  });
  at('securityOpt', 'security_opt');
  const apparmor = securityOpt.map((o) => /^apparmor[:=](.*)$/i.exec(o)?.[1]).find((x) => x !== undefined);
  // systempaths=unconfined is what the file asks for (the CLI turns it into empty MaskedPaths and ReadonlyPaths; 20.10 refuses it raw in SecurityOpt): reported as asked
  const systemPathsUnconfined = securityOpt.some((o) => /^systempaths[:=]unconfined$/i.test(o));
  const systemPathsLoc = sources['securityOpt:systempaths'];
  if (systemPathsUnconfined && systemPathsLoc) sources.procPaths = systemPathsLoc;
  const sysctlEntries = mapEntries(field(node, 'sysctls'), what('sysctls'));
  for (const e of sysctlEntries) sources[`sysctls:${e.key}`] = e.loc;
  at('sysctls', 'sysctls');

  const portList: PublishedPort[] = [];
  for (const p of asSeq(field(node, 'ports'), what('ports'))?.items ?? []) {
    for (const pp of ports(p)) {
      portList.push(pp);
      sources[`ports:${pp.hostPort}:${pp.containerPort}`] = p.loc;
      sources[`ports:${pp.hostPort}`] ??= p.loc;
    }
  }

  const fromEnvironment = mapEntries(field(node, 'environment'), 'environment');
  const own = new Set(fromEnvironment.map((e) => e.key));
  const env = [
    // a later line (or file) sets the same name again: the last one is what the container gets
    ...[...new Map((ctx.envFromFiles ?? []).map((e) => [e.name, e])).values()].filter((e) => !own.has(e.name)).map((e) => {
      sources[`env:${e.name}`] = e.loc;
      return { name: e.name, value: e.value };
    }),
    ...fromEnvironment.flatMap((e) => {
      // "FOO" without a value passes the caller's variable through: not in the file, not ours to read
      if (e.value === undefined) return [];
      sources[`env:${e.key}`] = e.loc;
      return [{ name: e.key, value: e.value }];
    }),
  ];
  const labels = Object.fromEntries(mapEntries(field(node, 'labels'), 'labels').map((e) => [e.key, e.value ?? '']));

  const networkMode = asString(field(node, 'network_mode'), what('network_mode'));
  const networks = field(node, 'networks');
  const firstNetwork = networks?.kind === 'seq' ? asString(networks.items[0], 'network') : networks?.kind === 'map' ? [...networks.entries.keys()][0] : undefined;
  // without network_mode compose attaches the service to <project>_default (or its first network), never the default bridge
  const network = networkMode ?? `${ctx.project}_${firstNetwork ?? 'default'}`;
  at('namespaces.network', networkMode !== undefined ? 'network_mode' : 'networks');
  at('namespaces.pid', 'pid');
  at('namespaces.ipc', 'ipc');
  at('namespaces.uts', 'uts');
  at('namespaces.userns', 'userns_mode');
  at('namespaces.cgroupns', 'cgroup');
  at('privileged', 'privileged');
  at('readOnlyRootfs', 'read_only');
  at('deviceCgroupRules', 'device_cgroup_rules');

  const image = asString(field(node, 'image'), what('image')) ?? `${ctx.project}-${name}`;
  const file: FactSources = Object.fromEntries(Object.entries(sources).map(([k, l]) => [k, { path: l.file, line: l.line, column: l.column }]));
  return {
    id: `${ctx.project}-${name}`,
    name,
    image,
    running: false,
    privileged: asBool(field(node, 'privileged'), what('privileged')) ?? false,
    capAdd: capAdd.map((c) => normaliseCapability(asString(c, what('cap_add item')) ?? '')),
    capDrop: capDrop.map((c) => normaliseCapability(asString(c, what('cap_drop item')) ?? '')),
    mounts,
    namespaces: {
      pid: asString(field(node, 'pid'), what('pid')) ?? '',
      network,
      ipc: asString(field(node, 'ipc'), what('ipc')) ?? '',
      uts: asString(field(node, 'uts'), what('uts')) ?? '',
      userns: asString(field(node, 'userns_mode'), what('userns_mode')) ?? '',
      cgroupns: asString(field(node, 'cgroup'), what('cgroup')) ?? '',
    },
    devices,
    deviceCgroupRules: (asSeq(field(node, 'device_cgroup_rules'), what('device_cgroup_rules'))?.items ?? []).map((r) => asString(r, 'device cgroup rule') ?? ''),
    resources: {
      memory,
      memorySwap: composeBytes(field(node, 'memswap_limit'), what('memswap_limit')) ?? 0,
      nanoCpus,
      cpuQuota: asNumber(field(node, 'cpu_quota'), what('cpu_quota')) ?? 0,
      cpuShares: asNumber(field(node, 'cpu_shares'), what('cpu_shares')) ?? 0,
      pidsLimit: pids ?? null,
      ulimits,
    },
    securityOpt,
    appArmorProfile: apparmor ?? '',
    user: user ?? '',
    readOnlyRootfs: asBool(field(node, 'read_only'), what('read_only')) ?? false,
    restart,
    ports: portList,
    env,
    labels,
    tmpfs,
    ...(systemPathsUnconfined ? { procPaths: { masked: [], readonly: [] } } : {}),
    ...(sysctlEntries.length ? { sysctls: Object.fromEntries(sysctlEntries.map((e) => [e.key, e.value ?? ''])) } : {}),
    healthcheck,
    ...(userUidUnknown ? { userUidUnknown: true } : {}),
    engine: UNKNOWN_ENGINE,
    processes: { known: false, reason: 'a compose service declares a container; none runs yet' },
    unknown,
    sources: file,
  };
}
