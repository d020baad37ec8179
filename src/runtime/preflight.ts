import { lstatSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { BulkheadError } from '../errors.js';
import { isRootUser } from '../users.js';
import type { HardeningPlan } from '../policy/plan.js';
import type { MountRequest, RunRequest } from './request.js';
import { formatCpus, formatSize } from './units.js';

/** Host paths never mounted, whatever the policy says (the policy can only add to these). */
export const ALWAYS_DENIED_HOST_PATHS = ['/', '/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/var/lib/docker'];
/** Where Docker sockets live; mounting one (or a folder holding one) hands over the host. */
export const DOCKER_SOCKET_PATHS = ['/var/run/docker.sock', '/run/docker.sock', '/run/containerd/containerd.sock'];

/** What preflight needs from the host filesystem; injected so tests can describe any host. */
export interface PreflightHost {
  /** the resolved path, or undefined when nothing exists there */
  realpath(path: string): string | undefined;
  isSocket(path: string): boolean;
  /** the socket of the engine bulkhead talks to, when it is a local one */
  engineSocket?: string;
}

export const realPreflightHost: PreflightHost = {
  realpath(path) {
    try {
      return realpathSync.native(path);
    } catch {
      return undefined;
    }
  },
  isSocket(path) {
    try {
      return statSync(path).isSocket() || lstatSync(path).isSocket();
    } catch {
      return false;
    }
  },
};

function refuse(message: string): never {
  throw new BulkheadError('refused', `refused: ${message}`);
}

const NAMESPACE_FLAGS = ['pid', 'ipc', 'uts', 'userns'] as const;

export function normaliseCapability(cap: string): string {
  return cap.trim().toUpperCase().replace(/^CAP_/, '');
}

/** True when a and b are the same path, or one lies inside the other ("/" only matches itself). */
function overlaps(path: string, denied: string): boolean {
  if (path === denied) return true;
  if (denied !== '/' && path.startsWith(`${denied}/`)) return true;
  // an ancestor of a denied path exposes it too (mounting /var exposes /var/lib/docker)
  return path === '/' || denied.startsWith(`${path}/`);
}

function checkMount(m: MountRequest, plan: HardeningPlan, host: PreflightHost): void {
  const flag = m.spec.includes('=') ? `--mount ${m.spec}` : `-v ${m.spec}`;
  if (m.readWriteRequested && !plan.mounts.allowReadWrite) {
    refuse(`${flag}: policy ${plan.policyName} allows read-only mounts only (drop :rw / readonly=false)`);
  }
  if (m.type !== 'bind') return;
  const normalised = posix.normalize(m.source).replace(/(.)\/+$/, '$1');
  const resolved = host.realpath(normalised);
  const candidates = resolved && resolved !== normalised ? [normalised, resolved] : [normalised];
  const sockets = [...DOCKER_SOCKET_PATHS, ...(host.engineSocket ? [host.engineSocket] : [])];
  const socketTargets = new Set(sockets.flatMap((s) => [s, host.realpath(s)]).filter((s): s is string => s !== undefined));
  for (const p of candidates) {
    const via = p === normalised ? '' : ` (resolves to ${p})`;
    if (p.endsWith('.sock') || host.isSocket(p)) refuse(`${flag}: mounting a socket${via} is never allowed (a Docker socket is root on the host)`);
    for (const d of new Set([...ALWAYS_DENIED_HOST_PATHS, ...plan.mounts.deniedHostPaths])) {
      if (overlaps(p, d)) refuse(`${flag}: host path ${m.source}${via} is denied (${d} may not be mounted, nor anything under or above it)`);
    }
    for (const s of socketTargets) {
      if (overlaps(p, s)) refuse(`${flag}: ${m.source}${via} exposes the Docker socket ${s}`);
    }
  }
}

/** What a --tmpfs without size= gets: enough for caches and pid files, bounded. */
export const DEFAULT_FLAG_TMPFS_BYTES = 64 * 1024 * 1024;

/**
 * The policy's tmpfs plus --tmpfs. A tmpfs is memory the container already may use (its pages
 * count against the memory cgroup, so the size is capped at the memory limit), always
 * noexec,nosuid,nodev: it adds no way to run new code. On a path the policy already mounts a
 * flag may only shrink it or set its mode; exec stays whatever the policy says.
 */
function mergeTmpfs(plan: HardeningPlan, request: RunRequest, memoryBytes: number): HardeningPlan['tmpfs'] {
  const out = plan.tmpfs.map((t) => ({ ...t, options: [...t.options] }));
  const seen = new Set<string>();
  for (const t of request.tmpfs) {
    if (seen.has(t.path)) throw new BulkheadError('usage', `--tmpfs ${t.spec}: ${t.path} is given twice`);
    seen.add(t.path);
    const clash = request.mounts.find((m) => posix.normalize(m.target).replace(/(.)\/+$/, '$1') === t.path);
    if (clash) throw new BulkheadError('usage', `--tmpfs ${t.spec}: ${t.path} is also the target of ${clash.spec}`);
    const existing = out.find((x) => x.path === t.path);
    const size = t.sizeBytes ?? existing?.sizeBytes ?? Math.min(DEFAULT_FLAG_TMPFS_BYTES, memoryBytes);
    if (existing && size > existing.sizeBytes) {
      refuse(`--tmpfs ${t.spec}: above policy ${plan.policyName}'s size of ${formatSize(existing.sizeBytes)} for ${t.path} (flags may only tighten)`);
    }
    if (size > memoryBytes) refuse(`--tmpfs ${t.spec}: larger than the memory limit of ${formatSize(memoryBytes)} (tmpfs pages are memory)`);
    const mode = t.mode === undefined ? [] : [`mode=${t.mode}`];
    if (existing) {
      existing.sizeBytes = size;
      if (mode.length) existing.options = [...existing.options.filter((o) => !o.startsWith('mode=')), ...mode];
    } else {
      out.push({ path: t.path, sizeBytes: size, options: ['noexec', 'nosuid', 'nodev', ...mode] });
    }
  }
  return out;
}

/**
 * Checks a request against the policy before anything is created, and returns the plan the
 * container actually gets: flags may tighten the policy (lower limits, --read-only,
 * --network none, capabilities from the allowlist); anything that loosens it is refused with a
 * one-line message (exit 122). Pure apart from reading the host's filesystem through `host`.
 */
export function preflight(plan: HardeningPlan, request: RunRequest, host: PreflightHost = realPreflightHost): HardeningPlan {
  if (request.privileged) {
    refuse('--privileged gives the container every capability and the host devices; no bulkhead policy allows it');
  }
  for (const ns of NAMESPACE_FLAGS) {
    const value = request.namespaces[ns];
    if (value === undefined || value === '' || value === 'private') continue;
    refuse(`--${ns} ${value}: sharing the ${value === 'host' ? "host's" : 'another'} ${ns} namespace is not allowed; containers get private namespaces`);
  }
  if (request.user !== undefined && plan.user.runAsNonRoot && isRootUser(request.user)) {
    refuse(`--user ${request.user}: policy ${plan.policyName} requires a non-root user (runAsNonRoot)`);
  }
  const allowed = new Set([...plan.capabilities.allowed, ...plan.capabilities.add].map(normaliseCapability));
  const capAdd = [...plan.capabilities.add.map(normaliseCapability)];
  for (const raw of request.capAdd) {
    const cap = normaliseCapability(raw);
    if (!allowed.has(cap)) {
      const list = [...allowed].join(', ') || 'none';
      refuse(`--cap-add ${raw}: not in policy ${plan.policyName}'s capability allowlist (allowed: ${list})`);
    }
    if (!capAdd.includes(cap)) capAdd.push(cap);
  }

  let networkMode = plan.network.mode;
  if (request.network !== undefined) {
    const n = request.network;
    if (n === 'none') networkMode = 'none';
    else if ((n === 'bridge' || n === 'default') && plan.network.mode === 'bridge') networkMode = 'bridge';
    else if (n === 'host' || n.startsWith('container:')) refuse(`--network ${n}: sharing another network namespace is not allowed`);
    else if (plan.network.mode === 'none') refuse(`--network ${n}: policy ${plan.policyName} allows no network (only --network none)`);
    else refuse(`--network ${n}: policy ${plan.policyName} allows --network bridge or none only`);
  }
  if (request.publish.length > 0) {
    const spec = request.publish[0]?.spec ?? '';
    if (!plan.network.allowPublish || plan.network.mode === 'none') refuse(`-p ${spec}: policy ${plan.policyName} does not allow publishing ports`);
    if (networkMode === 'none') refuse(`-p ${spec}: cannot publish ports with --network none`);
  }

  const resources = { ...plan.resources, ulimits: plan.resources.ulimits.map((u) => ({ ...u })) };
  if (request.memoryBytes !== undefined) {
    if (request.memoryBytes > plan.resources.memoryBytes) {
      refuse(`--memory ${formatSize(request.memoryBytes)}: above policy ${plan.policyName}'s limit of ${formatSize(plan.resources.memoryBytes)} (flags may only tighten)`);
    }
    // keep "no swap" meaning no swap: swap stays the same distance above memory as the policy set
    resources.memorySwapBytes = request.memoryBytes + (plan.resources.memorySwapBytes - plan.resources.memoryBytes);
    resources.memoryBytes = request.memoryBytes;
  }
  if (request.nanoCpus !== undefined) {
    if (request.nanoCpus > plan.resources.nanoCpus) {
      refuse(`--cpus ${formatCpus(request.nanoCpus)}: above policy ${plan.policyName}'s limit of ${formatCpus(plan.resources.nanoCpus)} (flags may only tighten)`);
    }
    resources.nanoCpus = request.nanoCpus;
  }
  if (request.pidsLimit !== undefined) {
    if (request.pidsLimit > plan.resources.pidsLimit) {
      refuse(`--pids-limit ${request.pidsLimit}: above policy ${plan.policyName}'s limit of ${plan.resources.pidsLimit} (flags may only tighten)`);
    }
    resources.pidsLimit = request.pidsLimit;
  }
  if (request.readOnly === false && plan.readOnlyRootFilesystem) {
    refuse(`--read-only=false: policy ${plan.policyName} requires a read-only root filesystem`);
  }
  for (const m of request.mounts) checkMount(m, plan, host);
  const tmpfs = mergeTmpfs(plan, request, resources.memoryBytes);
  for (const key of Object.keys(request.labels)) {
    if (key.startsWith('io.bulkhead.')) refuse(`--label ${key}: io.bulkhead.* labels are set by bulkhead itself (the auditors trust them)`);
  }

  return {
    ...plan,
    capabilities: { ...plan.capabilities, add: capAdd },
    readOnlyRootFilesystem: plan.readOnlyRootFilesystem || request.readOnly === true,
    tmpfs,
    resources,
    network: { ...plan.network, mode: networkMode },
    // docker refuses --rm with a restart policy: a container that is removed is never restarted,
    // and the recorded plan says so (the drift auditor compares it with the live restart policy)
    restart: request.remove ? { policy: 'no', maxRetries: 0 } : plan.restart,
  };
}
