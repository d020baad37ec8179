import type { HardeningPlan } from '../policy/plan.js';
import { tmpfsOptions } from '../runtime/create-options.js';
import { isRootUser } from '../users.js';
import { isEngineSocketSource } from '../audit/rules/container/engine-socket-mounted.js';
import { sensitiveMatch } from '../audit/rules/container/sensitive-host-path.js';
import { fromComposeService } from '../audit/compose/facts.js';
import { interpolateTree } from '../audit/compose/interpolate.js';
import type { ComposeProject, ComposeService } from '../audit/compose/load.js';
import { toPlain, type YLoc, type YMap, type YValue } from '../audit/yaml/located.js';
import { BulkheadError } from '../errors.js';

/**
 * A HardeningPlan as compose settings. Compose appends lists (cap_add, security_opt, volumes,
 * devices) across -f files, so an override can add hardening but never take a base file's
 * cap_add, host mount or socket away: each such setting is reported with its file:line as
 * something to remove from the base file, and `merged` writes one complete hardened file instead.
 */
export interface BaseSetting {
  service: string;
  /** the compose field, e.g. "cap_add" */
  field: string;
  /** what to do about it, for a person */
  message: string;
  loc: YLoc;
}

export interface ComposeExport {
  /** the override (or with merged: the complete file), as plain data for YAML */
  document: Record<string, unknown>;
  baseSettings: BaseSetting[];
  services: string[];
}

export interface ComposeExportOptions {
  services?: string[];
  /** path of the generated seccomp profile as security_opt should name it (docker-compose v1 opens it relative to its cwd: give an absolute path) */
  seccompFile?: string;
  merged?: boolean;
  /** with merged: the same project loaded without interpolation, so ${VAR} is written back as ${VAR} */
  rawProject?: ComposeProject;
}

/** The fields the plan sets on every service. */
export function hardeningFields(plan: HardeningPlan, service: ComposeService, seccompFile: string | undefined, project: ComposeProject): Record<string, unknown> {
  const facts = fromComposeService(service.name, service.node, { project: project.name, dir: project.dir });
  const securityOpt = [...(plan.noNewPrivileges ? ['no-new-privileges:true'] : []), ...(plan.seccomp.mode === 'generated' && seccompFile ? [`seccomp=${seccompFile}`] : [])];
  const out: Record<string, unknown> = {
    cap_drop: ['ALL'],
    ...(plan.capabilities.add.length ? { cap_add: [...plan.capabilities.add] } : {}),
    // a non-root user the service already names is kept, as `bulkhead run` keeps a non-root image USER
    user: facts.user && !isRootUser(facts.user) ? facts.user : `${plan.user.uid}:${plan.user.gid}`,
    read_only: plan.readOnlyRootFilesystem,
    ...(plan.tmpfs.length ? { tmpfs: plan.tmpfs.map((t) => `${t.path}:${tmpfsOptions(t)}`) } : {}),
    ...(securityOpt.length ? { security_opt: securityOpt } : {}),
    mem_limit: plan.resources.memoryBytes,
    memswap_limit: plan.resources.memorySwapBytes,
    cpus: plan.resources.nanoCpus / 1e9,
    pids_limit: plan.resources.pidsLimit,
    ...(plan.resources.ulimits.length ? { ulimits: Object.fromEntries(plan.resources.ulimits.map((u) => [u.name, { soft: u.soft, hard: u.hard }])) } : {}),
    ...(plan.network.mode === 'none' ? { network_mode: 'none' } : {}),
    restart: plan.restart.policy === 'on-failure' ? `on-failure:${plan.restart.maxRetries}` : 'no',
  };
  if (facts.privileged) out.privileged = false;
  return out;
}

function entryLoc(node: YMap, key: string): YLoc {
  return node.entries.get(key)?.keyLoc ?? node.loc;
}

/** Settings of a service that an override file cannot take away, or that the plan refuses. */
export function baseSettings(plan: HardeningPlan, service: ComposeService, project: ComposeProject): BaseSetting[] {
  const out: BaseSetting[] = [];
  const node = service.node;
  const facts = fromComposeService(service.name, node, { project: project.name, dir: project.dir });
  const src = (k: string, fallback: string): YLoc => {
    const s = facts.sources?.[k];
    return s ? { file: s.path, line: s.line, column: s.column } : entryLoc(node, fallback);
  };
  const add = (field: string, message: string, loc: YLoc): void => void out.push({ service: service.name, field, message, loc });
  for (const cap of facts.capAdd) {
    if (!plan.capabilities.add.includes(cap)) add('cap_add', `cap_add ${cap}: an override cannot remove it (lists are appended); remove it from the base file`, src(`capAdd:${cap}`, 'cap_add'));
  }
  for (const m of facts.mounts) {
    if (m.type !== 'bind') continue;
    const where = src(`mounts:${m.destination}`, 'volumes');
    if (isEngineSocketSource(m.source)) add(node.entries.has('use_api_socket') && m.destination === '/var/run/docker.sock' && !node.entries.has('volumes') ? 'use_api_socket' : 'volumes', `the engine socket ${m.source} is mounted at ${m.destination}: remove it from the base file (use_api_socket mounts it too, with the registry credentials)`, where);
    else if (sensitiveMatch(m.source) || plan.mounts.deniedHostPaths.some((d) => m.source === d || m.source.startsWith(`${d.replace(/\/+$/, '')}/`))) add('volumes', `host path ${m.source} is mounted at ${m.destination}: the policy refuses it; remove it from the base file`, where);
    else if (m.rw && !plan.mounts.allowReadWrite) add('volumes', `host path ${m.source} is mounted read-write at ${m.destination}: the policy allows bind mounts read-only; add :ro in the base file`, where);
  }
  if (facts.devices.length) add('devices', `devices ${facts.devices.map((d) => d.host).join(', ')}: remove them from the base file`, entryLoc(node, 'devices'));
  for (const f of ['device_cgroup_rules', 'sysctls', 'runtime', 'use_api_socket'] as const) {
    if (f === 'use_api_socket' || !node.entries.has(f)) continue;
    add(f, `${f} is set: an override cannot unset it; remove it from the base file`, entryLoc(node, f));
  }
  for (const [f, v] of [['userns_mode', facts.namespaces.userns], ['pid', facts.namespaces.pid], ['ipc', facts.namespaces.ipc], ['uts', facts.namespaces.uts], ['cgroup', facts.namespaces.cgroupns]] as const) {
    if (v === 'host') add(f, `${f}: host shares a host namespace; an override cannot unset it; remove it from the base file`, entryLoc(node, f));
  }
  const net = facts.namespaces.network;
  if (plan.network.mode !== 'none' && (net === 'host' || net.startsWith('container:') || net.startsWith('service:'))) add('network_mode', `network_mode ${net}: remove it from the base file (the policy gives the service its own network)`, entryLoc(node, 'network_mode'));
  if (plan.network.mode === 'none' && node.entries.has('networks')) add('networks', 'networks: the policy says network_mode none, which compose refuses beside networks; remove networks from the base file', entryLoc(node, 'networks'));
  for (const o of facts.securityOpt) {
    if (/^(seccomp|apparmor)[:=]unconfined$/i.test(o) || /^label[:=]disable$/i.test(o)) add('security_opt', `security_opt ${o}: an override cannot remove it (lists are appended); remove it from the base file`, src(`securityOpt:${o.split(/[:=]/)[0]!.toLowerCase()}`, 'security_opt'));
  }
  for (const p of facts.ports) {
    if (p.hostPort === '' && p.hostIp === '') continue;
    const loc = src(`ports:${p.hostPort}:${p.containerPort}`, 'ports');
    if (!plan.network.allowPublish || plan.network.mode === 'none') add('ports', `port ${p.hostPort}:${p.containerPort}: the policy publishes no ports; remove it from the base file`, loc);
    else if (p.hostIp !== plan.network.publishHostIp && plan.network.publishHostIp !== '0.0.0.0') add('ports', `port ${p.hostPort}:${p.containerPort} is published on ${p.hostIp || 'all interfaces'}: the policy publishes on ${plan.network.publishHostIp}; write ${plan.network.publishHostIp}:${p.hostPort}:${p.containerPort.replace(/\/tcp$/, '')} in the base file`, loc);
  }
  return out;
}

function selected(project: ComposeProject, names: readonly string[] | undefined): ComposeService[] {
  if (!names?.length) return project.services;
  const unknown = names.filter((n) => !project.services.some((s) => s.name === n));
  if (unknown.length) throw new BulkheadError('usage', `--service ${unknown.join(', ')}: no such service (services: ${project.services.map((s) => s.name).join(', ')})`);
  return project.services.filter((s) => names.includes(s.name));
}

/** One service of the complete hardened file: the base settings the plan refuses are left out. */
function mergedService(plan: HardeningPlan, raw: YMap, resolved: ComposeService, project: ComposeProject, hardening: Record<string, unknown>): Record<string, unknown> {
  const out = toPlain(raw) as Record<string, unknown>;
  const judge = (v: YValue): YValue => interpolateTree(v, project.lookup, new Set());
  for (const f of ['privileged', 'devices', 'device_cgroup_rules', 'sysctls', 'runtime', 'use_api_socket', 'extends', 'cap_add', 'cap_drop', 'security_opt', 'mem_limit', 'memswap_limit', 'cpus', 'pids_limit', 'ulimits', 'restart', 'read_only', 'user', 'tmpfs']) delete out[f];
  for (const f of ['userns_mode', 'pid', 'ipc', 'uts', 'cgroup'] as const) if (out[f] === 'host') delete out[f];
  if (plan.network.mode === 'none') {
    delete out.networks;
    delete out.ports;
  } else if (typeof out.network_mode === 'string' && /^(host|container:|service:)/.test(out.network_mode)) delete out.network_mode;
  const deploy = out.deploy as { resources?: { limits?: unknown } } | undefined;
  if (deploy?.resources?.limits) delete deploy.resources.limits;
  // volumes: decide on the interpolated entry, write the entry as written
  const volumes = raw.entries.get('volumes')?.value;
  if (volumes?.kind === 'seq') {
    const kept: unknown[] = [];
    for (const item of volumes.items) {
      const probe: YMap = { kind: 'map', loc: raw.loc, entries: new Map([['volumes', { key: 'volumes', keyLoc: raw.loc, value: { kind: 'seq', loc: item.loc, items: [judge(item)] } }]]) };
      const m = fromComposeService(resolved.name, probe, { project: project.name, dir: project.dir }).mounts[0];
      const plain = toPlain(item);
      if (m && m.type === 'bind') {
        if (isEngineSocketSource(m.source) || sensitiveMatch(m.source) || plan.mounts.deniedHostPaths.some((d) => m.source === d || m.source.startsWith(`${d.replace(/\/+$/, '')}/`))) continue;
        if (m.rw && !plan.mounts.allowReadWrite) {
          kept.push(typeof plain === 'string' ? `${plain.split(':').slice(0, 2).join(':')}:ro` : { ...(plain as object), read_only: true });
          continue;
        }
      }
      kept.push(plain);
    }
    out.volumes = kept;
  }
  if (Array.isArray(out.ports) && plan.network.publishHostIp !== '0.0.0.0') {
    out.ports = (out.ports as unknown[]).map((p) => {
      if (typeof p === 'object' && p !== null) return { ...(p as object), host_ip: plan.network.publishHostIp };
      const text = String(p);
      const [spec, proto] = text.split('/');
      const parts = spec!.split(':');
      const hostPart = parts.length >= 2 ? parts.slice(-2).join(':') : null;
      if (hostPart === null) return text;
      return `${plan.network.publishHostIp}:${hostPart}${proto ? `/${proto}` : ''}`;
    });
  }
  return { ...out, ...hardening };
}

export function toComposeExport(plan: HardeningPlan, project: ComposeProject, opts: ComposeExportOptions = {}): ComposeExport {
  const services = selected(project, opts.services);
  const baseList = services.flatMap((s) => baseSettings(plan, s, project));
  if (!opts.merged) {
    const overrides = Object.fromEntries(services.map((s) => [s.name, hardeningFields(plan, s, opts.seccompFile, project)]));
    return { document: { services: overrides }, baseSettings: baseList, services: services.map((s) => s.name) };
  }
  const raw = opts.rawProject ?? project;
  const rawByName = new Map(raw.services.map((s) => [s.name, s.node]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(toPlain(rawRoot(raw)) as Record<string, unknown>)) if (k !== 'services' && !k.startsWith('x-')) out[k] = v;
  out.services = Object.fromEntries(
    project.services.map((s) => {
      const node = rawByName.get(s.name) ?? s.node;
      if (!services.includes(s)) return [s.name, toPlain(node)];
      return [s.name, mergedService(plan, node, s, project, hardeningFields(plan, s, opts.seccompFile, project))];
    }),
  );
  return { document: out, baseSettings: [], services: services.map((s) => s.name) };
}

/** Top-level fields other than services (volumes, networks, secrets, name), from the loaded project. */
function rawRoot(project: ComposeProject): YMap {
  return project.root;
}
