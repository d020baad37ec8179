import { namedUser } from '../../users.js';
import type { ContainerFacts, ContainerMount, EngineConfinement, PublishedPort } from './facts.js';
import { normaliseCapability, recordedPlan } from './normalize.js';
import { cleanHostPath, securityOptValue } from './predicates.js';
import { DOCKER_MASKED_PATHS, DOCKER_READONLY_PATHS } from './data/docker-proc-paths.js';

/**
 * A POST /containers/create body after src/authz/request-shape.ts checked its types and gave its
 * keys their canonical spelling (Engine API 1.41 field names). Only the fields the facts read.
 */
export interface CreateRequestBody {
  Image?: string;
  User?: string;
  Env?: string[];
  Labels?: Record<string, string>;
  Healthcheck?: { Test?: string[] };
  HostConfig?: {
    Privileged?: boolean;
    CapAdd?: string[];
    CapDrop?: string[];
    Binds?: string[];
    Mounts?: Array<{
      Type?: string;
      Source?: string;
      Target?: string;
      ReadOnly?: boolean;
      BindOptions?: { Propagation?: string };
      VolumeOptions?: { DriverConfig?: { Name?: string; Options?: Record<string, string> } };
    }>;
    VolumesFrom?: string[];
    PidMode?: string;
    NetworkMode?: string;
    IpcMode?: string;
    UTSMode?: string;
    UsernsMode?: string;
    CgroupnsMode?: string;
    Devices?: Array<{ PathOnHost?: string; PathInContainer?: string; CgroupPermissions?: string }>;
    DeviceCgroupRules?: string[];
    SecurityOpt?: string[];
    Memory?: number;
    MemorySwap?: number;
    NanoCpus?: number;
    CpuQuota?: number;
    CpuShares?: number;
    PidsLimit?: number;
    Ulimits?: Array<{ Name?: string; Soft?: number; Hard?: number }>;
    ReadonlyRootfs?: boolean;
    RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
    PortBindings?: Record<string, Array<{ HostIp?: string; HostPort?: string }>>;
    Tmpfs?: Record<string, string>;
    MaskedPaths?: string[];
    ReadonlyPaths?: string[];
    Sysctls?: Record<string, string>;
    PublishAllPorts?: boolean;
    Runtime?: string;
  };
}

/** A create request that cannot describe a container the rules could judge (dockerd would refuse it too, or read it differently). */
export class CreateRequestError extends Error {}

const BIND_PROPAGATIONS = ['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate'];
const BIND_FLAGS = ['ro', 'rw', 'z', 'Z', 'nocopy', ...BIND_PROPAGATIONS];

/** One `-v` entry (HostConfig.Binds): "src:dst[:opts]", src absolute for a bind, a name for a volume. */
function bindMount(spec: string): ContainerMount {
  const parts = spec.split(':');
  if (parts.length === 1) return { type: 'volume', source: '', destination: parts[0]!, rw: true, propagation: '' };
  if (parts.length > 3 || parts[0] === '' || parts[1] === '') throw new CreateRequestError(`HostConfig.Binds: "${spec}" is not src:dst[:options]`);
  const [source, destination, opts = ''] = parts as [string, string, string?];
  const flags = opts === '' ? [] : opts.split(',');
  const unknown = flags.find((f) => !BIND_FLAGS.includes(f));
  if (unknown !== undefined) throw new CreateRequestError(`HostConfig.Binds: "${spec}": unknown option ${unknown}`);
  const isBind = source.startsWith('/');
  return {
    type: isBind ? 'bind' : 'volume',
    source: isBind ? cleanHostPath(source) : source,
    destination,
    rw: !flags.includes('ro'),
    // the engine's default for a bind is rprivate; volumes have none
    propagation: flags.find((f) => BIND_PROPAGATIONS.includes(f)) ?? (isBind ? 'rprivate' : ''),
  };
}

type RequestMount = NonNullable<NonNullable<CreateRequestBody['HostConfig']>['Mounts']>[number];

/** One `--mount` entry (HostConfig.Mounts). */
function apiMount(m: RequestMount, i: number): ContainerMount {
  const type = m.Type ?? '';
  const destination = m.Target ?? '';
  const rw = m.ReadOnly !== true;
  if (type === 'bind') {
    if (!m.Source?.startsWith('/')) throw new CreateRequestError(`HostConfig.Mounts[${i}].Source: a bind mount needs an absolute host path`);
    return { type: 'bind', source: cleanHostPath(m.Source), destination, rw, propagation: m.BindOptions?.Propagation || 'rprivate' };
  }
  if (type === 'volume') {
    const driver = m.VolumeOptions?.DriverConfig;
    const device = driver?.Options?.device;
    // the local driver mounts `device` from the host (o=bind makes it a bind of that path): judge that path
    if (device !== undefined && ['', 'local'].includes(driver?.Name ?? '')) {
      return { type: 'bind', source: device.startsWith('/') ? cleanHostPath(device) : device, destination, rw, propagation: 'rprivate' };
    }
    return { type: 'volume', source: m.Source ?? '', destination, rw, propagation: '' };
  }
  if (type === 'tmpfs') return { type: 'tmpfs', source: '', destination, rw, propagation: '' };
  throw new CreateRequestError(`HostConfig.Mounts[${i}].Type: "${type}" is not bind, volume or tmpfs`);
}

function ports(raw: Record<string, Array<{ HostIp?: string; HostPort?: string }>> | undefined): PublishedPort[] {
  return Object.entries(raw ?? {}).flatMap(([containerPort, bindings]) =>
    (bindings ?? []).map((b) => ({ containerPort, hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' })),
  );
}

/**
 * The AppArmor profile the engine will apply, decided as moby does at create
 * (daemon/oci_linux.go): the security option when given, else unconfined for a privileged
 * container and docker-default where the host has AppArmor.
 */
function appArmorProfile(securityOpt: string[], privileged: boolean, engine: EngineConfinement): string {
  const given = securityOptValue(securityOpt, 'apparmor');
  if (given !== undefined) return given;
  if (!engine.apparmor) return '';
  return privileged ? 'unconfined' : 'docker-default';
}

/**
 * POST /containers/create body -> the facts the container rules read, the twin of
 * containerFactsFromInspect. What only the image or the running container knows stays
 * unknown, never guessed: the image's USER (userUidUnknown), its HEALTHCHECK and ENV, processes
 * and files. Throws CreateRequestError for a body dockerd would read as something the facts cannot say.
 */
export function fromCreateRequest(body: CreateRequestBody, meta: { name: string; engine: EngineConfinement }): ContainerFacts {
  const hc = body.HostConfig ?? {};
  const securityOpt = hc.SecurityOpt ?? [];
  const privileged = hc.Privileged === true;
  const labels = body.Labels ?? {};
  const plan = recordedPlan(labels);
  const user = body.User ?? '';
  const name = namedUser(user);
  if ((hc.VolumesFrom ?? []).length > 0) {
    // the mounts come from another container, which only the engine can read
    throw new CreateRequestError('HostConfig.VolumesFrom: the mounts of another container are not in the request; mount what the container needs directly');
  }
  return {
    id: '',
    name: meta.name,
    image: body.Image ?? '',
    running: false,
    privileged,
    capAdd: (hc.CapAdd ?? []).map(normaliseCapability),
    capDrop: (hc.CapDrop ?? []).map(normaliseCapability),
    mounts: [...(hc.Binds ?? []).map(bindMount), ...(hc.Mounts ?? []).map(apiMount)],
    namespaces: {
      pid: hc.PidMode ?? '',
      // moby fills an empty network mode with "default" (runconfig.SetDefaultNetModeIfBlank)
      network: hc.NetworkMode || 'default',
      ipc: hc.IpcMode ?? '',
      uts: hc.UTSMode ?? '',
      userns: hc.UsernsMode ?? '',
      cgroupns: hc.CgroupnsMode ?? '',
    },
    devices: (hc.Devices ?? []).map((d) => ({ host: d.PathOnHost ?? '', container: d.PathInContainer ?? '', permissions: d.CgroupPermissions ?? '' })),
    deviceCgroupRules: hc.DeviceCgroupRules ?? [],
    resources: {
      memory: hc.Memory ?? 0,
      memorySwap: hc.MemorySwap ?? 0,
      nanoCpus: hc.NanoCpus ?? 0,
      cpuQuota: hc.CpuQuota ?? 0,
      cpuShares: hc.CpuShares ?? 0,
      pidsLimit: hc.PidsLimit ?? null,
      ulimits: (hc.Ulimits ?? []).map((u) => ({ name: u.Name ?? '', soft: u.Soft ?? 0, hard: u.Hard ?? 0 })),
    },
    securityOpt,
    appArmorProfile: appArmorProfile(securityOpt, privileged, meta.engine),
    user,
    // "" is the image's USER and a name its /etc/passwd entry: neither is in the request
    ...(user === '' || (name !== undefined && name !== 'root') ? { userUidUnknown: true } : {}),
    readOnlyRootfs: hc.ReadonlyRootfs === true,
    restart: { name: hc.RestartPolicy?.Name ?? '', maxRetries: hc.RestartPolicy?.MaximumRetryCount ?? 0 },
    ports: ports(hc.PortBindings),
    env: (body.Env ?? []).map((e) => {
      const i = e.indexOf('=');
      return i < 0 ? { name: e, value: '' } : { name: e.slice(0, i), value: e.slice(i + 1) };
    }),
    labels,
    tmpfs: hc.Tmpfs ?? {},
    // a list given replaces the engine's defaults (daemon/oci_linux.go); null keeps them
    ...(hc.MaskedPaths !== undefined || hc.ReadonlyPaths !== undefined ? { procPaths: { masked: hc.MaskedPaths ?? [...DOCKER_MASKED_PATHS], readonly: hc.ReadonlyPaths ?? [...DOCKER_READONLY_PATHS] } } : {}),
    ...(hc.Sysctls && Object.keys(hc.Sysctls).length ? { sysctls: hc.Sysctls } : {}),
    ...(hc.PublishAllPorts === true ? { publishAllPorts: true } : {}),
    ...(hc.Runtime ? { runtime: hc.Runtime } : {}),
    healthcheck: body.Healthcheck?.Test,
    engine: meta.engine,
    // the container does not exist yet
    processes: { known: false, reason: 'a create request has no processes yet' },
    ...(plan ? { recordedPlan: plan } : {}),
  };
}
