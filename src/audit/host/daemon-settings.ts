import type { DaemonSettings } from './facts.js';

/** dockerd flags that take no value (`--icc` alone means true; `--icc=false` turns it off). */
const BOOLEAN_FLAGS = new Set(['icc', 'tls', 'tlsverify', 'live-restore', 'no-new-privileges', 'userland-proxy', 'experimental', 'iptables', 'ip-masq', 'debug', 'selinux-enabled', 'rootless', 'D']);
const SHORT: Record<string, string> = { H: 'host', D: 'debug', G: 'group', l: 'log-level' };

/** dockerd's argv -> flag name -> values, in order. Pure. */
export function parseDockerdFlags(argv: readonly string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--?([A-Za-z][\w-]*)(?:=(.*))?$/.exec(a);
    if (!m) continue;
    const name = SHORT[m[1]!] ?? m[1]!;
    if (m[2] !== undefined) add(name, m[2]);
    else if (BOOLEAN_FLAGS.has(name)) add(name, 'true');
    else if (i + 1 < argv.length) add(name, argv[++i]!);
  }
  return flags;
}

function flagBool(flags: Map<string, string[]>, name: string): boolean | undefined {
  const v = flags.get(name)?.at(-1);
  return v === undefined ? undefined : v !== 'false' && v !== '0';
}

function jsonBool(config: Record<string, unknown>, key: string): boolean | undefined {
  const v = config[key];
  return typeof v === 'boolean' ? v : undefined;
}

function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** "unix:///run/docker.sock" and "/var/run/docker.sock" name the same socket. */
export function sameSocket(a: string, b: string): boolean {
  const norm = (s: string) => s.replace(/^unix:\/\//, '').replace(/^\/var\/run\//, '/run/');
  return norm(a) === norm(b);
}

/** Of several dockerd processes, the one serving this socket. */
export function pickDockerd(processes: ReadonlyArray<{ pid: number; argv: string[] }>, socketPath: string): { pid: number; argv: string[] } | undefined {
  for (const p of processes) {
    const hosts = parseDockerdFlags(p.argv).get('host') ?? [];
    if (hosts.some((h) => h.startsWith('unix://') && sameSocket(h, socketPath))) return p;
  }
  // a dockerd without -H listens on the default socket
  if (sameSocket(socketPath, '/var/run/docker.sock')) return processes.find((p) => !parseDockerdFlags(p.argv).has('host'));
  return undefined;
}

function insecureRegistries(info: Record<string, unknown>, config: Record<string, unknown> | undefined, flags: Map<string, string[]>): string[] {
  const reg = (info.RegistryConfig ?? {}) as { InsecureRegistryCIDRs?: unknown; IndexConfigs?: Record<string, { Name?: string; Secure?: boolean }> };
  const out = new Set<string>();
  for (const cidr of stringList(reg.InsecureRegistryCIDRs)) if (cidr !== '127.0.0.0/8' && cidr !== '::1/128') out.add(cidr);
  for (const [name, idx] of Object.entries(reg.IndexConfigs ?? {})) if (idx?.Secure === false) out.add(idx.Name ?? name);
  for (const r of [...stringList(config?.['insecure-registries']), ...(flags.get('insecure-registry') ?? [])]) out.add(r);
  return [...out].filter((r) => !/^(?:localhost|127\.|\[?::1\]?)/.test(r));
}

/**
 * The daemon's effective settings. GET /info is authoritative for what it reports; daemon.json
 * and dockerd's flags (local engines only: `known`) fill in what /info does not, with the
 * engine defaults when neither sets them. Pure.
 */
export function daemonSettings(
  info: Record<string, unknown>,
  local: { config: Record<string, unknown> | undefined; flags: Map<string, string[]> } | undefined,
  plainTcpEndpoint: boolean,
): DaemonSettings {
  const flags = local?.flags ?? new Map<string, string[]>();
  const config = local?.config;
  const plugins = (info.Plugins ?? {}) as { Authorization?: unknown };
  const settings: DaemonSettings = {
    liveRestore: info.LiveRestoreEnabled === true,
    experimental: info.ExperimentalBuild === true,
    loggingDriver: typeof info.LoggingDriver === 'string' ? info.LoggingDriver : 'json-file',
    insecureRegistries: insecureRegistries(info, config, flags),
    authorizationPlugins: stringList(plugins.Authorization),
    plainTcpEndpoint,
    debug: info.Debug === true,
  };
  if (!local) return settings;
  const c = config ?? {};
  const logLevel = flags.get('log-level')?.at(-1) ?? (typeof c['log-level'] === 'string' ? c['log-level'] : undefined);
  settings.debug = settings.debug || flagBool(flags, 'debug') === true || c.debug === true || logLevel === 'debug';
  settings.iptables = flagBool(flags, 'iptables') ?? jsonBool(c, 'iptables') ?? true;
  settings.icc = flagBool(flags, 'icc') ?? jsonBool(c, 'icc') ?? true;
  settings.noNewPrivileges = flagBool(flags, 'no-new-privileges') ?? jsonBool(c, 'no-new-privileges') ?? false;
  settings.userlandProxy = flagBool(flags, 'userland-proxy') ?? jsonBool(c, 'userland-proxy') ?? true;
  const logOpts: Record<string, string> = {};
  const jsonLogOpts = c['log-opts'];
  if (jsonLogOpts && typeof jsonLogOpts === 'object') for (const [k, v] of Object.entries(jsonLogOpts)) logOpts[k] = String(v);
  for (const kv of flags.get('log-opt') ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) logOpts[kv.slice(0, i)] = kv.slice(i + 1);
  }
  settings.logOpts = logOpts;
  const ulimits: Record<string, unknown> = {};
  const jsonUlimits = c['default-ulimits'];
  if (jsonUlimits && typeof jsonUlimits === 'object') Object.assign(ulimits, jsonUlimits);
  for (const u of flags.get('default-ulimit') ?? []) ulimits[u.split('=')[0] ?? u] = u;
  settings.defaultUlimits = ulimits;
  settings.hosts = [...stringList(c.hosts), ...(flags.get('host') ?? [])];
  settings.tlsVerify = flagBool(flags, 'tlsverify') ?? jsonBool(c, 'tlsverify') ?? false;
  return settings;
}
