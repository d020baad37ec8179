import type { ContainerCreateOptions } from '../engine/client.js';
import type { HardeningPlan } from '../policy/plan.js';
import type { RunRequest } from './request.js';
import { isRootUser } from '../users.js';

/** Labels bulkhead writes on every container it starts; the container auditor reads them back. */
export const LABEL_POLICY = 'io.bulkhead.policy';
export const LABEL_PLAN_HASH = 'io.bulkhead.plan-hash';
export const LABEL_PLAN = 'io.bulkhead.plan';
export const LABEL_VERSION = 'io.bulkhead.version';

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

export function tmpfsOptions(t: HardeningPlan['tmpfs'][number]): string {
  return [...t.options.filter((o) => !o.startsWith('size=')), `size=${t.sizeBytes}`].join(',');
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
      Tmpfs: Object.fromEntries(plan.tmpfs.map((t) => [t.path, tmpfsOptions(t)])),
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
    },
  };
  if (request.command.length > 0) options.Cmd = request.command;
  if (request.publish.length > 0) options.ExposedPorts = exposed;
  if (request.name !== undefined) options.name = request.name;
  return options;
}
