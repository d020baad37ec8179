import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { table } from 'table';
import { redact } from '../audit/secrets/redact.js';
import type { ContainerCreateOptions } from '../engine/client.js';
import type { PreparedRun } from './run.js';
import { toDockerRunArgv, shellQuote } from './docker-argv.js';
import { formatCpus, formatSize } from './units.js';

/** What the plan means under gVisor, measured (docs/run.md): never claim what it does not enforce. */
export const GVISOR_NOTE = 'under gVisor the seccomp profile filters the Sentry\'s syscalls (--oci-seccomp), capabilities, no-new-privileges, the read-only root and network none hold; cgroup limits apply to the whole sandbox; AppArmor is not applied inside it';

export interface DryRunOutput {
  policy: { name: string; source: string };
  planHash: string;
  plan: PreparedRun['plan'];
  appArmor: string;
  /** runc, or the gVisor runtime and what it holds differently */
  sandbox: string;
  /** the user before the image is inspected; an image's own non-root USER is kept at run time */
  user: string;
  /** the Engine API create body, env values redacted */
  createOptions: ContainerCreateOptions;
  /** `docker run ...` with the same effect (seccomp by file, env by name) */
  dockerArgv: string[];
  seccompProfilePath?: string;
}

/** Writes the seccomp profile where `docker run --security-opt seccomp=FILE` can read it. */
export function writeSeccompFile(prepared: PreparedRun, dir = tmpdir()): string | undefined {
  if (prepared.seccompProfile === undefined) return undefined;
  const path = join(dir, `bulkhead-seccomp-${prepared.planHash.replace(/[^A-Za-z0-9]/g, '').slice(0, 16)}.json`);
  writeFileSync(path, `${JSON.stringify(prepared.seccompProfile, null, 2)}\n`);
  return path;
}

function redactEnv(options: ContainerCreateOptions): ContainerCreateOptions {
  const env = (options.Env ?? []).map((e) => {
    const eq = e.indexOf('=');
    return eq === -1 ? e : `${e.slice(0, eq)}=${redact(e.slice(eq + 1))}`;
  });
  return { ...options, Env: env };
}

export function dryRunOutput(prepared: PreparedRun, options: ContainerCreateOptions, seccompFile: string | undefined): DryRunOutput {
  const out: DryRunOutput = {
    policy: { name: prepared.policyName, source: prepared.policySource },
    planHash: prepared.planHash,
    plan: prepared.plan,
    appArmor: prepared.appArmor.summary,
    sandbox: prepared.plan.sandbox.mode === 'off' ? prepared.sandbox.summary : `${prepared.sandbox.summary}; ${GVISOR_NOTE}`,
    user: options.User ?? '',
    createOptions: redactEnv(options),
    dockerArgv: ['docker', ...toDockerRunArgv(options, { ...(seccompFile ? { seccompFile } : {}), ...(prepared.request.cidfile ? { cidfile: prepared.request.cidfile } : {}) })],
  };
  if (seccompFile) out.seccompProfilePath = seccompFile;
  return out;
}

/** The neutral run settings (none of them loosen the policy), as the table shows them. */
function runFlags(o: ContainerCreateOptions): string[] {
  const out: string[] = [];
  if (o.WorkingDir) out.push(`workdir ${o.WorkingDir}`);
  if (o.Entrypoint !== undefined) out.push(`entrypoint ${JSON.stringify(o.Entrypoint)}`);
  if (o.HostConfig?.Init) out.push('init (docker-init as PID 1)');
  if (o.StopTimeout !== undefined) out.push(`stop timeout ${o.StopTimeout}s`);
  if (o.Hostname) out.push(`hostname ${o.Hostname}`);
  if (o.Healthcheck?.Test) out.push(`health check ${o.Healthcheck.Test.slice(1).join(' ')}${o.Healthcheck.Interval ? ` every ${o.Healthcheck.Interval / 1e9}s` : ''}`);
  if (o.platform) out.push(`platform ${o.platform}`);
  return out;
}

function rows(out: DryRunOutput): string[][] {
  const p = out.plan;
  const h = out.createOptions.HostConfig ?? {};
  const req = p.capabilities.add.length ? p.capabilities.add.join(', ') : 'none';
  const swap = p.resources.memorySwapBytes === p.resources.memoryBytes ? 'no swap' : `swap +${formatSize(p.resources.memorySwapBytes - p.resources.memoryBytes)}`;
  return [
    ['policy', `${out.policy.name} (${out.policy.source})`],
    ['plan hash', out.planHash],
    ['user', `${out.user} (an image's own non-root USER is kept)`],
    ['capabilities', `drop ALL, add: ${req}; may add: ${p.capabilities.allowed.join(', ') || 'none'}`],
    ['root filesystem', p.readOnlyRootFilesystem ? 'read-only' : 'writable'],
    ['tmpfs', Object.entries(h.Tmpfs ?? {}).map(([k, v]) => `${k} ${v}`).join('\n') || 'none'],
    ['memory', `${formatSize(p.resources.memoryBytes)} (${swap})`],
    ['cpus', formatCpus(p.resources.nanoCpus)],
    ['pids limit', String(p.resources.pidsLimit)],
    ['ulimits', p.resources.ulimits.map((u) => `${u.name}=${u.soft}:${u.hard}`).join('\n') || 'none'],
    ['no-new-privileges', p.noNewPrivileges ? 'yes' : 'no'],
    ['seccomp', p.seccomp.mode === 'generated' ? `generated profile${p.seccomp.allowGroups.length ? ` (+ ${p.seccomp.allowGroups.join(', ')})` : ''}` : "the engine's default profile"],
    ['apparmor', `${p.apparmor.mode}: ${out.appArmor}`],
    ['network', `${p.network.mode}${p.network.allowPublish ? `; -p binds ${p.network.publishHostIp} by default` : '; -p refused'}`],
    ['runtime', out.sandbox],
    ['namespaces', 'pid, ipc, uts private; no devices; not privileged'],
    ['mounts', (h.Mounts ?? []).map((m) => `${m.Source} -> ${m.Target} (${m.ReadOnly ? 'ro' : 'rw'})`).join('\n') || 'none'],
    ['restart', h.RestartPolicy?.Name === 'on-failure' ? `on-failure, at most ${h.RestartPolicy.MaximumRetryCount} restarts` : 'no'],
    ['run flags', runFlags(out.createOptions).join('\n') || 'none'],
    ['image gate', p.gate.enabled ? `enabled, refuses findings >= ${p.gate.failOn}${p.gate.allowSkip ? ' (--no-gate allowed)' : ''}` : 'disabled'],
  ];
}

export function renderDryRun(out: DryRunOutput, format: 'table' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(out, null, 2)}\n`;
  const lines = [table(rows(out), { columns: { 1: { width: 72, wrapWord: true } } }).trimEnd(), '', 'Equivalent docker run:', `  ${shellQuote(out.dockerArgv)}`];
  if (out.seccompProfilePath) lines.push('', `Seccomp profile written to ${out.seccompProfilePath}`);
  return `${lines.join('\n')}\n`;
}
