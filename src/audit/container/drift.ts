import type { HardeningPlan } from '../../policy/plan.js';
import type { ContainerFacts } from './facts.js';
import { isRootUser } from '../../users.js';
import { allInterfaces, containerRunsAsRoot, hasNoNewPrivileges, securityOptValue, unlimitedPids } from './predicates.js';

/** One way the live container differs from the plan it was started with. */
export interface Deviation {
  /** stable: part of the finding's fingerprint */
  field: string;
  expected: string;
  actual: string;
}

const MiB = 1024 * 1024;
function bytes(n: number): string {
  if (n <= 0) return 'unlimited';
  return n % MiB === 0 ? `${n / MiB} MiB` : `${n} bytes`;
}
function cpus(n: number): string {
  return n <= 0 ? 'unlimited' : `${n / 1e9} CPUs`;
}

/**
 * Compares what `docker update`, a hand-made `docker run` with copied labels or an edited
 * compose file can change against the recorded HardeningPlan. Pure.
 */
export function planDeviations(plan: HardeningPlan, c: ContainerFacts): Deviation[] {
  const out: Deviation[] = [];
  const dev = (field: string, expected: string, actual: string) => out.push({ field, expected, actual });

  if (c.privileged) dev('privileged', 'not privileged', 'privileged');

  if (!c.capDrop.includes('ALL')) dev('capabilities.drop', 'ALL', c.capDrop.length ? c.capDrop.join(',') : 'none');
  const mayAdd = new Set([...plan.capabilities.add, ...plan.capabilities.allowed].map((x) => x.toUpperCase().replace(/^CAP_/, '')));
  for (const cap of c.capAdd) if (!mayAdd.has(cap)) dev(`capabilities.add.${cap}`, `not added (allowed: ${[...mayAdd].join(',') || 'none'})`, cap);

  if (plan.user.runAsNonRoot && containerRunsAsRoot(c)) dev('user', `non-root (${plan.user.uid}:${plan.user.gid})`, c.userUid === 0 && !isRootUser(c.user) ? `${c.user} (uid 0)` : c.user || 'root (image default)');

  if (plan.readOnlyRootFilesystem && !c.readOnlyRootfs) dev('readOnlyRootFilesystem', 'read-only', 'writable');

  const r = plan.resources;
  if (c.resources.memory !== r.memoryBytes) dev('resources.memory', bytes(r.memoryBytes), bytes(c.resources.memory));
  if (c.resources.memorySwap !== r.memorySwapBytes) dev('resources.memorySwap', bytes(r.memorySwapBytes), bytes(c.resources.memorySwap));
  if (c.resources.nanoCpus !== r.nanoCpus) dev('resources.cpus', cpus(r.nanoCpus), c.resources.cpuQuota > 0 && c.resources.nanoCpus === 0 ? `quota ${c.resources.cpuQuota}` : cpus(c.resources.nanoCpus));
  const livePids = unlimitedPids(c.resources.pidsLimit) ? 0 : (c.resources.pidsLimit ?? 0);
  if (livePids !== r.pidsLimit) dev('resources.pidsLimit', r.pidsLimit > 0 ? String(r.pidsLimit) : 'unlimited', livePids > 0 ? String(livePids) : 'unlimited');
  for (const u of r.ulimits) {
    const live = c.resources.ulimits.find((x) => x.name === u.name);
    if (!live || live.soft !== u.soft || live.hard !== u.hard) {
      dev(`resources.ulimits.${u.name}`, `${u.soft}:${u.hard}`, live ? `${live.soft}:${live.hard}` : 'engine default');
    }
  }

  if (plan.noNewPrivileges && !hasNoNewPrivileges(c.securityOpt)) dev('noNewPrivileges', 'set', 'not set');
  const seccomp = securityOptValue(c.securityOpt, 'seccomp');
  // a missing generated profile falls back to the engine default, which still confines; unconfined does not
  if (seccomp === 'unconfined') dev('seccomp', plan.seccomp.mode === 'generated' ? 'generated profile' : 'runtime default', 'unconfined');
  if (plan.apparmor.mode !== 'disabled' && c.engine.apparmor) {
    const live = securityOptValue(c.securityOpt, 'apparmor') ?? c.appArmorProfile;
    if (live !== plan.apparmor.profileName) dev('apparmor', plan.apparmor.profileName, live || 'none');
  }

  const net = c.namespaces.network;
  if (plan.network.mode === 'none' && net !== 'none') dev('network.mode', 'none', net || 'default');
  if (plan.network.mode === 'bridge' && (net === 'host' || net.startsWith('container:'))) dev('network.mode', 'bridge', net);
  for (const p of c.ports) {
    if (!plan.network.allowPublish) dev(`network.publish.${p.hostPort}`, 'no published ports', `${p.hostIp || '0.0.0.0'}:${p.hostPort}->${p.containerPort}`);
    else if (allInterfaces(p.hostIp) && !allInterfaces(plan.network.publishHostIp)) {
      dev(`network.publish.${p.hostPort}`, `bound to ${plan.network.publishHostIp}`, `${p.hostIp || '0.0.0.0'}:${p.hostPort}`);
    }
  }

  for (const m of c.mounts) {
    if (m.type !== 'bind') continue;
    if (m.rw && !plan.mounts.allowReadWrite) dev(`mounts.${m.destination}`, 'read-only bind mount', `read-write ${m.source}`);
    const denied = plan.mounts.deniedHostPaths.find((d) => m.source === d || m.source.startsWith(`${d.replace(/\/+$/, '')}/`));
    if (denied) dev(`mounts.${m.destination}.source`, `not under ${denied}`, m.source);
  }

  // the runtime bulkhead chose is in its label; a required sandbox must still be there
  if (c.runtime !== undefined) {
    const live = c.runtime || 'runc';
    const chosen = c.labels['io.bulkhead.runtime'];
    if (chosen !== undefined && chosen !== live) dev('sandbox.runtime', chosen, live);
    else if (plan.sandbox?.mode === 'required' && live === 'runc') dev('sandbox.runtime', 'gVisor (runsc)', live);
  }

  const restart = c.restart.name || 'no';
  if (plan.restart.policy === 'no' && restart !== 'no') dev('restart', 'no', restart);
  // `bulkhead run --rm` starts on-failure plans with no restart policy: stricter, not drift
  const unbounded = restart === 'always' || restart === 'unless-stopped' || (restart === 'on-failure' && (c.restart.maxRetries <= 0 || c.restart.maxRetries > plan.restart.maxRetries));
  if (plan.restart.policy === 'on-failure' && unbounded) {
    dev('restart', `on-failure:${plan.restart.maxRetries}`, restart === 'on-failure' ? `on-failure:${c.restart.maxRetries}` : restart);
  }
  return out;
}
