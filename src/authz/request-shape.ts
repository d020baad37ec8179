/**
 * The request bodies the plugin reads, as data: every field dockerd accepts in
 * POST /containers/create, POST /containers/{id}/exec and POST /containers/{id}/update, with a
 * type for each field a decision reads ('any' for the rest: dockerd type-checks those itself).
 *
 * Source: moby api/types/container/config.go, hostconfig.go, api/types/mount/mount.go,
 * api/types/configs.go (ExecConfig) and container_update.go, API versions 1.41 through 1.47
 * (moby v20.10 to v27), read 2026-12-04. A field that is not listed is refused: a newer engine
 * may give it a meaning the rules cannot see (the deprecated top-level HostConfig fields that
 * moby's ContainerConfigWrapper still decodes, e.g. {"Image":"x","Privileged":true}, are exactly that).
 */

export type FieldSpec =
  | 'string'
  | 'boolean'
  | 'integer'
  | 'any'
  | { array: FieldSpec }
  | { object: Readonly<Record<string, FieldSpec>> }
  /** free keys (labels, port maps), each value of one spec */
  | { map: FieldSpec };

const strings: FieldSpec = { array: 'string' };
const stringMap: FieldSpec = { map: 'string' };

const RESTART_POLICY: FieldSpec = { object: { Name: 'string', MaximumRetryCount: 'integer' } };

/** Resources: the part of HostConfig that `docker update` can change too. */
const RESOURCES: Record<string, FieldSpec> = {
  CpuShares: 'integer',
  Memory: 'integer',
  NanoCpus: 'integer',
  CgroupParent: 'any',
  BlkioWeight: 'any',
  BlkioWeightDevice: 'any',
  BlkioDeviceReadBps: 'any',
  BlkioDeviceWriteBps: 'any',
  BlkioDeviceReadIOps: 'any',
  BlkioDeviceWriteIOps: 'any',
  CpuPeriod: 'integer',
  CpuQuota: 'integer',
  CpuRealtimePeriod: 'any',
  CpuRealtimeRuntime: 'any',
  CpusetCpus: 'any',
  CpusetMems: 'any',
  Devices: { array: { object: { PathOnHost: 'string', PathInContainer: 'string', CgroupPermissions: 'string' } } },
  DeviceCgroupRules: strings,
  DeviceRequests: 'any',
  KernelMemory: 'any',
  KernelMemoryTCP: 'any',
  MemoryReservation: 'any',
  MemorySwap: 'integer',
  MemorySwappiness: 'any',
  OomKillDisable: 'any',
  PidsLimit: 'integer',
  Ulimits: { array: { object: { Name: 'string', Soft: 'integer', Hard: 'integer' } } },
  CpuCount: 'any',
  CpuPercent: 'any',
  IOMaximumIOps: 'any',
  IOMaximumBandwidth: 'any',
};

const MOUNT: FieldSpec = {
  object: {
    Type: 'string',
    Source: 'string',
    Target: 'string',
    ReadOnly: 'boolean',
    Consistency: 'any',
    BindOptions: {
      object: { Propagation: 'string', NonRecursive: 'any', CreateMountpoint: 'any', ReadOnlyNonRecursive: 'any', ReadOnlyForceRecursive: 'any' },
    },
    VolumeOptions: {
      object: { NoCopy: 'any', Labels: 'any', Subpath: 'string', DriverConfig: { object: { Name: 'string', Options: stringMap } } },
    },
    TmpfsOptions: 'any',
    ClusterOptions: 'any',
  },
};

const HOST_CONFIG: FieldSpec = {
  object: {
    ...RESOURCES,
    Binds: strings,
    ContainerIDFile: 'any',
    LogConfig: 'any',
    NetworkMode: 'string',
    PortBindings: { map: { array: { object: { HostIp: 'string', HostPort: 'string' } } } },
    RestartPolicy: RESTART_POLICY,
    AutoRemove: 'any',
    VolumeDriver: 'any',
    VolumesFrom: strings,
    ConsoleSize: 'any',
    Annotations: 'any',
    CapAdd: strings,
    CapDrop: strings,
    CgroupnsMode: 'string',
    Dns: 'any',
    DnsOptions: 'any',
    DnsSearch: 'any',
    ExtraHosts: 'any',
    GroupAdd: 'any',
    IpcMode: 'string',
    Cgroup: 'string',
    Links: 'any',
    OomScoreAdj: 'any',
    PidMode: 'string',
    Privileged: 'boolean',
    PublishAllPorts: 'boolean',
    ReadonlyRootfs: 'boolean',
    SecurityOpt: strings,
    StorageOpt: 'any',
    Tmpfs: stringMap,
    UTSMode: 'string',
    UsernsMode: 'string',
    ShmSize: 'any',
    Sysctls: stringMap,
    Runtime: 'string',
    Isolation: 'any',
    Mounts: { array: MOUNT },
    MaskedPaths: strings,
    ReadonlyPaths: strings,
    Init: 'any',
  },
};

/** POST /containers/create: Config, with HostConfig and NetworkingConfig beside its fields. */
export const CREATE_BODY: FieldSpec = {
  object: {
    Hostname: 'any',
    Domainname: 'any',
    User: 'string',
    AttachStdin: 'any',
    AttachStdout: 'any',
    AttachStderr: 'any',
    ExposedPorts: 'any',
    Tty: 'any',
    OpenStdin: 'any',
    StdinOnce: 'any',
    Env: strings,
    Cmd: 'any',
    Healthcheck: { object: { Test: strings, Interval: 'any', Timeout: 'any', StartPeriod: 'any', StartInterval: 'any', Retries: 'any' } },
    ArgsEscaped: 'any',
    Image: 'string',
    Volumes: 'any',
    WorkingDir: 'any',
    Entrypoint: 'any',
    NetworkDisabled: 'any',
    MacAddress: 'any',
    OnBuild: 'any',
    Labels: stringMap,
    StopSignal: 'any',
    StopTimeout: 'any',
    Shell: 'any',
    HostConfig: HOST_CONFIG,
    NetworkingConfig: { object: { EndpointsConfig: { map: 'any' } } },
  },
};

/** POST /containers/{id}/exec */
export const EXEC_BODY: FieldSpec = {
  object: {
    User: 'string',
    Privileged: 'boolean',
    Tty: 'any',
    ConsoleSize: 'any',
    AttachStdin: 'any',
    AttachStderr: 'any',
    AttachStdout: 'any',
    Detach: 'any',
    DetachKeys: 'any',
    Env: strings,
    WorkingDir: 'any',
    Cmd: 'any',
  },
};

/** POST /containers/{id}/update: the Resources fields plus a restart policy. */
export const UPDATE_BODY: FieldSpec = { object: { ...RESOURCES, RestartPolicy: RESTART_POLICY } };

export type Canonical = { ok: true; value: Record<string, unknown> } | { ok: false; problem: string };

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

class ShapeError extends Error {}

/** Lower-cased key -> canonical spelling, per object spec (built once). */
const keyIndex = new WeakMap<object, Map<string, string>>();
function canonicalKeys(fields: Readonly<Record<string, FieldSpec>>): Map<string, string> {
  let idx = keyIndex.get(fields);
  if (!idx) {
    idx = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
    keyIndex.set(fields, idx);
  }
  return idx;
}

/**
 * The field path of the value being walked, kept as parts and joined only for an error message:
 * building "HostConfig.Binds[3]" for every field was most of the walk's cost per request.
 */
type PathPart = string | number;
function pathText(parts: readonly PathPart[]): string {
  let out = '';
  for (const p of parts) out += typeof p === 'number' ? `[${p}]` : p.startsWith('[') ? p : out ? `.${p}` : p;
  return out;
}

/**
 * Checks one value against its spec and gives it canonical key names IN PLACE (the parsed body is
 * ours): a null field becomes undefined, as Go leaves it at its zero value; a key spelt in another
 * case is renamed. Copying the whole body instead doubled what a request allocated.
 */
function walk(value: unknown, spec: FieldSpec, path: PathPart[]): unknown {
  // Go leaves a field at its zero value for null: so do we (absent)
  if (value === null || spec === 'any') return value === null ? undefined : value;
  if (spec === 'string') return typeof value === 'string' ? value : shapeError(path, 'a string', value);
  if (spec === 'boolean') return typeof value === 'boolean' ? value : shapeError(path, 'a boolean', value);
  if (spec === 'integer') return Number.isInteger(value) ? value : shapeError(path, 'an integer', value);
  if ('array' in spec) {
    if (!Array.isArray(value)) return shapeError(path, 'an array', value);
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      value[i] = walk(value[i], spec.array, path);
      path.pop();
    }
    return value;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return shapeError(path, 'an object', value);
  const obj = value as Record<string, unknown>;
  const fields = 'map' in spec ? undefined : canonicalKeys(spec.object);
  for (const key of Object.keys(obj)) {
    // JSON.parse makes "__proto__" an own key; assigning it back would set the prototype
    if (key === '__proto__') throw new ShapeError(`${pathText(path)}: key __proto__ is not accepted`);
    const v = obj[key];
    let name = key;
    let fieldSpec: FieldSpec;
    if (fields === undefined) {
      path.push(`[${JSON.stringify(key)}]`);
      fieldSpec = (spec as { map: FieldSpec }).map;
    } else {
      // Go matches struct fields case-insensitively; the JSON scan already refused case-folded twins
      const canonical = Object.hasOwn((spec as { object: object }).object, key) ? key : fields.get(key.toLowerCase());
      if (canonical === undefined) throw new ShapeError(`${pathText([...path, key])}: unknown field (not in Engine API 1.41-1.47)`);
      name = canonical;
      path.push(canonical);
      fieldSpec = (spec as { object: Readonly<Record<string, FieldSpec>> }).object[canonical]!;
    }
    const w = walk(v, fieldSpec, path);
    path.pop();
    if (name !== key) {
      delete obj[key];
      if (w !== undefined) obj[name] = w;
    } else if (w === undefined) {
      // a struct field set to undefined keeps the object's shape (a delete would turn it into a dictionary); a map entry goes
      if (fields === undefined) delete obj[key];
      else obj[key] = undefined;
    } else if (w !== v) obj[key] = w;
  }
  return obj;
}

function shapeError(path: readonly PathPart[], want: string, value: unknown): never {
  throw new ShapeError(`${pathText(path)}: expected ${want}, got ${typeName(value)}`);
}

/** A parsed body -> the same body (changed in place) with canonical key names, or the first field that is wrong. */
export function canonicalBody(value: unknown, spec: FieldSpec): Canonical {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { ok: false, problem: `body is ${typeName(value)}, not a JSON object` };
  try {
    return { ok: true, value: walk(value, spec, []) as Record<string, unknown> };
  } catch (err) {
    if (err instanceof ShapeError) return { ok: false, problem: err.message };
    throw err;
  }
}
