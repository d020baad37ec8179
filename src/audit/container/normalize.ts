import type { ContainerInspect, ContainerTop } from '../../engine/client.js';
import type { HardeningPlan } from '../../policy/plan.js';
import { planHash } from '../../policy/hash.js';
import {
  PLAN_HASH_LABEL,
  PLAN_LABEL,
  POLICY_LABEL,
  type ContainerFacts,
  type ContainerProcesses,
  type EngineConfinement,
  type PublishedPort,
  type RecordedPlan,
} from './facts.js';

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** "CAP_SYS_ADMIN", "sys_admin" -> "SYS_ADMIN" (the API accepts both spellings). */
export function normaliseCapability(c: string): string {
  const up = c.trim().toUpperCase();
  return up.startsWith('CAP_') ? up.slice(4) : up;
}

/** GET /info SecurityOptions ("name=seccomp,profile=default", "name=rootless") -> what the host enforces. */
export function engineConfinement(info: Record<string, unknown>): EngineConfinement {
  const names = strings(info.SecurityOptions).map((o) => /(?:^|,)name=([^,]+)/.exec(o)?.[1] ?? o);
  return {
    seccomp: names.includes('seccomp'),
    apparmor: names.includes('apparmor'),
    selinux: names.includes('selinux'),
    userns: names.includes('userns'),
    rootless: names.includes('rootless'),
    cgroupVersion: typeof info.CgroupVersion === 'string' ? info.CgroupVersion : '1',
  };
}

function ports(raw: unknown): PublishedPort[] {
  const out: PublishedPort[] = [];
  if (!raw || typeof raw !== 'object') return out;
  for (const [containerPort, bindings] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(bindings)) continue;
    for (const b of bindings as Array<{ HostIp?: unknown; HostPort?: unknown }>) {
      out.push({ containerPort, hostIp: typeof b.HostIp === 'string' ? b.HostIp : '', hostPort: typeof b.HostPort === 'string' ? b.HostPort : '' });
    }
  }
  return out;
}

function isPlanShape(v: unknown): v is HardeningPlan {
  if (!v || typeof v !== 'object') return false;
  const p = v as Partial<HardeningPlan>;
  return (
    typeof p.user === 'object' &&
    typeof p.capabilities === 'object' &&
    typeof p.resources === 'object' &&
    typeof p.readOnlyRootFilesystem === 'boolean' &&
    typeof p.noNewPrivileges === 'boolean' &&
    typeof p.network === 'object' &&
    typeof p.restart === 'object'
  );
}

/** Reads the io.bulkhead.* labels; undefined when the container was not started by `bulkhead run`. */
export function recordedPlan(labels: Record<string, string>): RecordedPlan | undefined {
  const text = labels[PLAN_LABEL];
  const policyName = labels[POLICY_LABEL];
  const hashLabel = labels[PLAN_HASH_LABEL];
  if (text === undefined && policyName === undefined && hashLabel === undefined) return undefined;
  const none = { policyName, hashLabel, actualHash: undefined, plan: undefined, hashMatches: false };
  if (text === undefined) return { ...none, problem: `label ${PLAN_LABEL} is missing` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ...none, problem: `label ${PLAN_LABEL} is not JSON` };
  }
  if (!isPlanShape(parsed)) return { ...none, problem: `label ${PLAN_LABEL} is not a hardening plan` };
  // the same canonical hash `bulkhead run` records (src/policy/hash.ts), so key order does not matter
  const actualHash = planHash(parsed);
  const hashMatches = hashLabel !== undefined && hashLabel.trim().toLowerCase().replace(/^sha256:/, '') === actualHash;
  return { policyName, hashLabel, actualHash, plan: parsed, hashMatches, problem: undefined };
}

/**
 * ps arguments for GET /containers/{id}/top: comm last, since the engine splits ps's output on
 * blanks and leaves the rest of the line to the last column (an executable name may hold one).
 * No argv: a command line can carry a secret and is not what the process runs.
 */
export const TOP_PS_ARGS = '-o pid,user,comm';

/** GET /containers/{id}/top with TOP_PS_ARGS -> the processes fact; unknown when the titles are not ours. Pure. */
export function processesFromTop(top: ContainerTop): ContainerProcesses {
  const [pid, user, comm] = ['PID', 'USER', 'COMMAND'].map((t) => top.Titles.indexOf(t));
  if (pid! < 0 || user! < 0 || comm! < 0) return { known: false, reason: `unexpected ps columns from the engine (${top.Titles.join(', ')})` };
  return {
    known: true,
    list: top.Processes.map((row) => ({ pid: Number(row[pid!]), user: row[user!] ?? '', executable: row.slice(comm!).join(' ') })),
  };
}

/** The processes fact of an input that has no process list (until the audit asks the engine). */
export const PROCESSES_NOT_LISTED: ContainerProcesses = { known: false, reason: 'processes not listed' };

/** A JSON object of strings (HostConfig.Sysctls), or undefined for anything else or an empty one. */
function stringRecord(v: unknown): Record<string, string> | undefined {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out = Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
  return Object.keys(out).length ? out : undefined;
}

/** Inspect output -> the facts the rules read. Pure. */
export function containerFactsFromInspect(inspect: ContainerInspect, engine: EngineConfinement): ContainerFacts {
  const hc = (inspect.HostConfig ?? {}) as Record<string, unknown>;
  const cfg = (inspect.Config ?? {}) as Partial<ContainerInspect['Config']>;
  const labels = (cfg.Labels ?? {}) as Record<string, string>;
  const restart = (hc.RestartPolicy ?? {}) as { Name?: string; MaximumRetryCount?: number };
  const env = strings(cfg.Env).map((e) => {
    const i = e.indexOf('=');
    return i < 0 ? { name: e, value: '' } : { name: e.slice(0, i), value: e.slice(i + 1) };
  });
  const plan = recordedPlan(labels);
  const livePorts = ports((inspect as { NetworkSettings?: { Ports?: unknown } }).NetworkSettings?.Ports);
  return {
    id: inspect.Id,
    name: (inspect.Name ?? inspect.Id).replace(/^\//, ''),
    image: typeof cfg.Image === 'string' ? cfg.Image : inspect.Image,
    running: inspect.State?.Running === true,
    privileged: hc.Privileged === true,
    capAdd: strings(hc.CapAdd).map(normaliseCapability),
    capDrop: strings(hc.CapDrop).map(normaliseCapability),
    mounts: (inspect.Mounts ?? []).map((m) => ({
      type: m.Type,
      source: m.Source ?? '',
      destination: m.Destination,
      rw: m.RW !== false,
      propagation: m.Propagation ?? '',
    })),
    namespaces: {
      pid: typeof hc.PidMode === 'string' ? hc.PidMode : '',
      network: typeof hc.NetworkMode === 'string' ? hc.NetworkMode : '',
      ipc: typeof hc.IpcMode === 'string' ? hc.IpcMode : '',
      uts: typeof hc.UTSMode === 'string' ? hc.UTSMode : '',
      userns: typeof hc.UsernsMode === 'string' ? hc.UsernsMode : '',
      cgroupns: typeof hc.CgroupnsMode === 'string' ? hc.CgroupnsMode : '',
    },
    devices: (Array.isArray(hc.Devices) ? (hc.Devices as Array<Record<string, unknown>>) : []).map((d) => ({
      host: String(d.PathOnHost ?? ''),
      container: String(d.PathInContainer ?? ''),
      permissions: String(d.CgroupPermissions ?? ''),
    })),
    deviceCgroupRules: strings(hc.DeviceCgroupRules),
    resources: {
      memory: num(hc.Memory),
      memorySwap: num(hc.MemorySwap),
      nanoCpus: num(hc.NanoCpus),
      cpuQuota: num(hc.CpuQuota),
      cpuShares: num(hc.CpuShares),
      pidsLimit: typeof hc.PidsLimit === 'number' ? hc.PidsLimit : null,
      ulimits: (Array.isArray(hc.Ulimits) ? (hc.Ulimits as Array<Record<string, unknown>>) : []).map((u) => ({
        name: String(u.Name ?? ''),
        soft: num(u.Soft),
        hard: num(u.Hard),
      })),
    },
    securityOpt: strings(hc.SecurityOpt),
    appArmorProfile: inspect.AppArmorProfile ?? '',
    user: typeof cfg.User === 'string' ? cfg.User : '',
    readOnlyRootfs: hc.ReadonlyRootfs === true,
    restart: { name: restart.Name ?? '', maxRetries: num(restart.MaximumRetryCount) },
    // the live bindings (PublishAll included) when running; the requested ones otherwise
    ports: livePorts.length ? livePorts : ports(hc.PortBindings),
    env,
    labels,
    tmpfs: (hc.Tmpfs ?? {}) as Record<string, string>,
    ...(typeof hc.Runtime === 'string' ? { runtime: hc.Runtime } : {}),
    ...(Array.isArray(hc.MaskedPaths) || Array.isArray(hc.ReadonlyPaths) ? { procPaths: { masked: strings(hc.MaskedPaths), readonly: strings(hc.ReadonlyPaths) } } : {}),
    ...(stringRecord(hc.Sysctls) ? { sysctls: stringRecord(hc.Sysctls) } : {}),
    ...(hc.PublishAllPorts === true ? { publishAllPorts: true } : {}),
    healthcheck: Array.isArray((cfg as { Healthcheck?: { Test?: unknown } }).Healthcheck?.Test)
      ? strings((cfg as { Healthcheck: { Test: unknown } }).Healthcheck.Test)
      : undefined,
    engine,
    processes: inspect.State?.Running === true ? PROCESSES_NOT_LISTED : { known: false, reason: 'the container is not running' },
    ...(plan ? { recordedPlan: plan } : {}),
  };
}
