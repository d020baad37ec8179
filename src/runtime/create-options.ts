import type { ContainerCreateOptions } from '../engine/client.js';
import type { HardeningPlan } from '../policy/plan.js';
import type { RunRequest } from './request.js';
import { isRootUser } from '../users.js';

/** Labels bulkhead writes on every container it starts; the container auditor reads them back. */
export const LABEL_POLICY = 'io.bulkhead.policy';
export const LABEL_PLAN_HASH = 'io.bulkhead.plan-hash';
export const LABEL_PLAN = 'io.bulkhead.plan';
export const LABEL_VERSION = 'io.bulkhead.version';
/** the OCI runtime chosen for the run: runc, or the gVisor runtime's name */
export const LABEL_RUNTIME = 'io.bulkhead.runtime';

/** What has been derived from the plan outside this pure function (hash, profiles, image user). */
export interface RenderedPlan {
  planHash: string;
  /** the generated seccomp profile, when plan.seccomp.mode is "generated" */
  seccompProfile?: unknown;
  /** set only when the AppArmor profile is enforced on this host */
  appArmorProfile?: string;
  /** "uid:gid" or the image's own non-root user, from chooseUser */
  user: string;
  toolVersion: string;
  /**
   * who owns the tmpfs roots: the run's uid (and gid) once known. A numeric user gives it
   * directly; a named image USER is resolved from the image's /etc/passwd by the runtime.
   */
  tmpfsOwner?: TmpfsOwner;
  /** HostConfig.Runtime (a gVisor runtime), and the label value; runc when absent */
  runtime?: string;
}

export interface TmpfsOwner {
  uid: number;
  gid?: number;
}

/** "1000:1000" -> {uid, gid}; "1000" -> {uid}; a name -> undefined (resolved later). */
export function numericOwner(user: string): TmpfsOwner | undefined {
  const m = /^([0-9]+)(?::([0-9]+))?$/.exec(user.trim());
  if (!m) return undefined;
  return m[2] === undefined ? { uid: Number(m[1]) } : { uid: Number(m[1]), gid: Number(m[2]) };
}

/**
 * Which user the container runs as: an explicit --user (preflight has already refused root),
 * the image's own USER when it is not root, otherwise the policy's uid:gid.
 */
export function chooseUser(plan: HardeningPlan, imageUser: string | undefined, requestedUser?: string): string {
  if (requestedUser !== undefined && requestedUser !== '') return requestedUser;
  const image = imageUser?.trim() ?? '';
  if (image !== '' && !isRootUser(image)) return image;
  return `${plan.user.uid}:${plan.user.gid}`;
}

/**
 * docker's tmpfs options for one entry. Without uid=/gid= the tmpfs root copies the image
 * directory's owner (usually root 0755), which a non-root run cannot write to.
 */
export function tmpfsOptions(t: HardeningPlan['tmpfs'][number], owner?: TmpfsOwner): string {
  const own = owner === undefined ? [] : [`uid=${owner.uid}`, ...(owner.gid !== undefined ? [`gid=${owner.gid}`] : [])];
  return [...t.options.filter((o) => !/^(size|uid|gid)=/.test(o)), ...own, `size=${t.sizeBytes}`].join(',');
}

/**
 * The Engine API create body for a plan and a (preflight-checked) request. Pure: the same
 * inputs give the same options, which is what --dry-run prints and the engine receives.
 */
export function toCreateOptions(plan: HardeningPlan, request: RunRequest, rendered: RenderedPlan): ContainerCreateOptions {
  const securityOpt: string[] = [];
  if (plan.noNewPrivileges) securityOpt.push('no-new-privileges:true');
  if (plan.seccomp.mode === 'generated' && rendered.seccompProfile !== undefined) {
    securityOpt.push(`seccomp=${JSON.stringify(rendered.seccompProfile)}`);
  }
  if (rendered.appArmorProfile) securityOpt.push(`apparmor=${rendered.appArmorProfile}`);

  const restart = plan.restart.policy === 'on-failure'
    ? { Name: 'on-failure', MaximumRetryCount: plan.restart.maxRetries }
    : { Name: 'no', MaximumRetryCount: 0 };

  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const p of request.publish) {
    const key = `${p.containerPort}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp ?? plan.network.publishHostIp, HostPort: p.hostPort });
  }

  const options: ContainerCreateOptions = {
    Image: request.image,
    User: rendered.user,
    Env: request.env,
    Labels: {
      ...request.labels,
      [LABEL_POLICY]: plan.policyName,
      [LABEL_PLAN_HASH]: rendered.planHash,
      [LABEL_PLAN]: JSON.stringify(plan),
      [LABEL_VERSION]: rendered.toolVersion,
      [LABEL_RUNTIME]: rendered.runtime ?? 'runc',
    },
    Tty: request.tty,
    OpenStdin: request.interactive,
    // like docker run -i: stdin closes for good when ours ends (attached runs only)
    StdinOnce: request.interactive && !request.detach,
    AttachStdin: request.interactive && !request.detach,
    AttachStdout: !request.detach,
    AttachStderr: !request.detach,
    HostConfig: {
      CapDrop: ['ALL'],
      CapAdd: plan.capabilities.add,
      ReadonlyRootfs: plan.readOnlyRootFilesystem,
      Tmpfs: Object.fromEntries(plan.tmpfs.map((t) => [t.path, tmpfsOptions(t, rendered.tmpfsOwner ?? numericOwner(rendered.user))])),
      Memory: plan.resources.memoryBytes,
      MemorySwap: plan.resources.memorySwapBytes,
      NanoCpus: plan.resources.nanoCpus,
      PidsLimit: plan.resources.pidsLimit,
      Ulimits: plan.resources.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      SecurityOpt: securityOpt,
      RestartPolicy: restart,
      NetworkMode: plan.network.mode,
      PidMode: 'private',
      IpcMode: 'private',
      UTSMode: '',
      Privileged: false,
      Devices: [],
      Mounts: request.mounts.map((m) => ({ Type: m.type, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
      PortBindings: bindings,
      AutoRemove: request.remove,
      ...(request.init ? { Init: true } : {}),
      ...(rendered.runtime ? { Runtime: rendered.runtime } : {}),
    },
  };
  if (request.workdir !== undefined) options.WorkingDir = request.workdir;
  // docker's --entrypoint "": the image's entrypoint is cleared, not kept
  if (request.entrypoint !== undefined) options.Entrypoint = request.entrypoint === '' ? [''] : [request.entrypoint];
  if (request.stopTimeout !== undefined) options.StopTimeout = request.stopTimeout;
  if (request.hostname !== undefined) options.Hostname = request.hostname;
  if (request.health !== undefined) {
    options.Healthcheck = { Test: ['CMD-SHELL', request.health.command], ...(request.health.intervalNs !== undefined ? { Interval: request.health.intervalNs } : {}) };
  }
  if (request.platform !== undefined) options.platform = request.platform;
  if (request.command.length > 0) options.Cmd = request.command;
  if (request.publish.length > 0) options.ExposedPorts = exposed;
  if (request.name !== undefined) options.name = request.name;
  return options;
}
