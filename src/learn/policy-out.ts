import type { Policy } from '../policy/types.js';
import { isOverridable } from '../policy/tighten.js';
import { parseSize } from '../policy/units.js';
import { groupSyscalls, SYSCALL_GROUPS, type SyscallGroup } from '../profiles/data/syscall-groups.js';
import { ALWAYS_KEPT_SYSCALLS } from './data/runc-base.js';
import type { CapabilityUse } from './cap-trace.js';
import type { LearnedTmpfs } from './writes.js';

/** What one watched run saw, as policy-out reads it. */
export interface Observation {
  /** syscall names the workload's processes made */
  syscalls: ReadonlySet<string>;
  /** names the runtime needs after its filter loads (pinned set plus those seen from runc init) */
  runtime: ReadonlySet<string>;
  tmpfs: readonly LearnedTmpfs[];
  memoryPeakBytes?: number;
  pidsPeak?: number;
  ports: readonly number[];
  /** the capability checks of the container's tasks (cap_capable trace); absent where they could not be observed */
  capabilities?: CapabilityUse;
  /** a policy learned before (--merge): its syscalls, tmpfs and limits are kept */
  previous?: { file: string; policy: Policy };
}

export interface LearnedPolicy {
  yaml: string;
  /** the learned allowlist, sorted */
  syscalls: string[];
  /** why the workload cannot run under the base: additions the base forbids */
  reasons: string[];
  /** the learned capabilities.add (the base's, narrowed to those used), when capabilities were observed */
  capabilitiesAdd?: string[];
}

/** The capability a forbidden syscall also needs, for the reason text. */
const CAPABILITY_OF: Readonly<Record<string, string>> = {
  mount: 'SYS_ADMIN', umount2: 'SYS_ADMIN', pivot_root: 'SYS_ADMIN', sethostname: 'SYS_ADMIN', setdomainname: 'SYS_ADMIN',
  swapon: 'SYS_ADMIN', swapoff: 'SYS_ADMIN', unshare: 'SYS_ADMIN', setns: 'SYS_ADMIN', fsopen: 'SYS_ADMIN', fsmount: 'SYS_ADMIN',
  move_mount: 'SYS_ADMIN', open_tree: 'SYS_ADMIN', init_module: 'SYS_MODULE', finit_module: 'SYS_MODULE', delete_module: 'SYS_MODULE',
  ptrace: 'SYS_PTRACE', process_vm_readv: 'SYS_PTRACE', process_vm_writev: 'SYS_PTRACE', reboot: 'SYS_BOOT',
  settimeofday: 'SYS_TIME', clock_settime: 'SYS_TIME', adjtimex: 'SYS_TIME', acct: 'SYS_PACCT', iopl: 'SYS_RAWIO', ioperm: 'SYS_RAWIO',
  bpf: 'BPF', perf_event_open: 'PERFMON', syslog: 'SYSLOG',
};

const MIB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

/** Peak x2, at least 16m: what the memory limit becomes (never above the base's). */
export function memoryLimitFor(peakBytes: number): number {
  return Math.max(16, Math.ceil((peakBytes * 2) / MIB)) * MIB;
}

/** Peak x2, at least 8. */
export function pidsLimitFor(peak: number): number {
  return Math.max(8, peak * 2);
}

/** A tmpfs size for what was written there: x2 plus 1 MiB, in whole MiB. */
export function tmpfsSizeFor(bytes: number): string {
  return `${Math.ceil((bytes * 2 + MIB) / MIB)}m`;
}

function groupOf(name: string): string | undefined {
  for (const [g, def] of Object.entries(SYSCALL_GROUPS as Record<string, SyscallGroup>)) if (def.syscalls.includes(name)) return g;
  return undefined;
}

/**
 * A policy that `extends` the base with exactly what the run used, each addition with a comment
 * saying what was observed. Whatever the base forbids (a syscall outside every group, a group or
 * tmpfs the base does not let a child add) is not added: it is returned as a reason. Pure.
 */
export function learnedPolicy(base: Policy, extendsRef: string, name: string, obs: Observation, header: string[], owner?: { uid: number; gid: number }): LearnedPolicy {
  const reasons: string[] = [];
  const sc = base.securityContext.seccompProfile;
  const baseAllows = new Set(sc.syscalls ?? groupSyscalls(sc.allowGroups));
  const mayAddGroups = isOverridable('securityContext.seccompProfile.allowGroups', base.overridable);
  const addGroups = new Set<string>();
  const keep = new Map<string, string>();
  const before = new Set(obs.previous?.policy.securityContext.seccompProfile.syscalls ?? []);
  const always = new Set(ALWAYS_KEPT_SYSCALLS);
  for (const s of [...new Set([...obs.syscalls, ...obs.runtime, ...before, ...always])].sort()) {
    const seen = obs.syscalls.has(s) ? (obs.runtime.has(s) ? 'observed; runc' : 'observed') : obs.runtime.has(s) ? 'runc needs it after the filter loads' : '';
    const why = [seen, before.has(s) ? `in ${obs.previous!.file}` : '', !seen && always.has(s) ? 'always kept: denied, it crashes or hangs the process instead of failing' : ''].filter(Boolean).join('; ');
    if (baseAllows.has(s)) {
      keep.set(s, why);
      continue;
    }
    const group = groupOf(s);
    if (group === undefined) {
      const cap = CAPABILITY_OF[s];
      reasons.push(`calls ${s}, which ${base.metadata.name} forbids outright${cap ? ` (it also needs CAP_${cap}, which no policy may grant)` : ''}`);
    } else if (sc.syscalls === undefined && mayAddGroups) {
      addGroups.add(group);
      keep.set(s, `${why}; needs group ${group}`);
    } else {
      reasons.push(`calls ${s} (group ${group}), which ${base.metadata.name} does not allow and does not let a child add`);
    }
  }
  const mayAddTmpfs = isOverridable('tmpfs', base.overridable);
  // tmpfs mounts a previous run learned, beyond the base's, kept unless this run saw the path too
  const earlier = (obs.previous?.policy.tmpfs ?? []).filter((t) => !base.tmpfs.some((b) => b.path === t.path) && !obs.tmpfs.some((n) => n.path === t.path));
  if (!mayAddTmpfs) for (const t of obs.tmpfs) reasons.push(`writes to ${t.path} (${t.written.slice(0, 3).join(', ')}), and ${base.metadata.name} lets no child add a writable path`);

  const lines: string[] = [...header.map((h) => `# ${h}`), 'apiVersion: bulkhead/v1', 'kind: Policy', 'metadata:', `  name: ${name}`, `  description: Learned by bulkhead learn over ${base.metadata.name}; covers only what the workload did while watched.`, `extends: ${JSON.stringify(extendsRef)}`, ''];
  lines.push('securityContext:', '  seccompProfile:');
  if (addGroups.size) {
    lines.push(`    # groups added for the syscalls marked "needs group" below`, `    allowGroups: [${[...new Set([...sc.allowGroups, ...addGroups])].sort().join(', ')}]`);
  }
  lines.push(`    # ${keep.size} syscalls: what the workload called while watched, plus what the runtime needs (of ${baseAllows.size} ${base.metadata.name} allows)`, '    syscalls:');
  for (const [s, why] of keep) lines.push(`      - ${s}  # ${why}`);
  const capabilitiesAdd = obs.capabilities ? capabilityLines(base, obs.capabilities, obs.previous, lines) : undefined;

  const limits: string[] = [];
  const baseMemory = parseSize(base.resources.limits.memory);
  const prev = obs.previous?.policy.resources.limits;
  if (obs.memoryPeakBytes !== undefined && obs.memoryPeakBytes > 0) {
    const m = Math.max(memoryLimitFor(obs.memoryPeakBytes), prev ? parseSize(prev.memory) : 0);
    if (m < baseMemory) limits.push(`    memory: ${Math.ceil(m / MIB)}m  # peak ${mib(obs.memoryPeakBytes)} observed, x2 headroom${prev ? `; at least ${prev.memory} as in ${obs.previous!.file}` : ''}`);
  }
  if (obs.pidsPeak !== undefined && obs.pidsPeak > 0) {
    const p = Math.max(pidsLimitFor(obs.pidsPeak), prev?.pids ?? 0);
    if (p < base.resources.limits.pids) limits.push(`    pids: ${p}  # peak ${obs.pidsPeak} observed, x2 headroom${prev ? `; at least ${prev.pids} as in ${obs.previous!.file}` : ''}`);
  }
  if (limits.length) lines.push('', 'resources:', '  limits:', ...limits);

  if ((obs.tmpfs.length || earlier.length) && mayAddTmpfs) {
    lines.push('', '# the base\'s tmpfs mounts, then the directories the workload wrote to', 'tmpfs:');
    for (const t of base.tmpfs) lines.push(`  - ${JSON.stringify(t).replace(/"([a-z]+)":/g, '$1: ').replace(/,/g, ', ')}  # from ${base.metadata.name}`);
    for (const t of obs.tmpfs) {
      const what = `${t.written.length} path(s) written, ${t.bytes} bytes: ${t.written.slice(0, 3).join(', ')}${t.written.length > 3 ? ', ...' : ''}${t.masksImage ? '; hides the image\'s content here' : ''}`;
      const own = owner ? `, uid: ${owner.uid}, gid: ${owner.gid}` : '';
      lines.push(`  - { path: ${t.path}, size: ${tmpfsSizeFor(t.bytes)}, noexec: true${own} }  # ${what}`);
    }
    for (const t of earlier) lines.push(`  - ${JSON.stringify(t).replace(/"([a-z]+)":/g, '$1: ').replace(/,/g, ', ')}  # in ${obs.previous!.file}`);
  }
  if (obs.ports.length) lines.push('', `# listened on tcp ${obs.ports.join(', ')} (network from ${base.metadata.name}: ${base.network.mode})`);
  return { yaml: `${lines.join('\n')}\n`, syscalls: [...keep.keys()], reasons, ...(capabilitiesAdd ? { capabilitiesAdd } : {}) };
}

const counted = (m: ReadonlyMap<string, number>): string => [...m].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} x${n}`).join(', ');

/**
 * securityContext.capabilities: the base's `add` narrowed to what the workload's tasks were
 * granted while watched (a subset tightens, so any base allows it; an earlier run's are kept).
 * Refused checks are listed, never added: the kernel also asks quietly where a refusal changes
 * nothing (SYS_ADMIN on every memory-accounting decision, SYS_RESOURCE, ...), so a refusal is not
 * always a failure. Appends the lines; returns the learned `add`.
 */
function capabilityLines(base: Policy, use: CapabilityUse, previous: Observation['previous'], lines: string[]): string[] {
  const baseAdd = base.securityContext.capabilities.add;
  const earlier = new Set(previous?.policy.securityContext.capabilities.add ?? []);
  const add = baseAdd.filter((c) => use.granted.has(c) || earlier.has(c));
  const unused = baseAdd.filter((c) => !add.includes(c));
  lines.push('  capabilities:');
  lines.push(`    # ${base.metadata.name} adds [${baseAdd.join(', ')}]; granted while watched: ${use.granted.size ? counted(use.granted) : 'none'}${use.borrowed ? ` (and ${use.borrowed} grants on the mounter's credentials, overlayfs acting for the task: not the task's)` : ''}${unused.length ? `; never used, so not added: ${unused.join(', ')}` : ''}`);
  if (use.refused.size) lines.push(`    # checked and refused while watched (not added; some checks are the kernel asking quietly): ${counted(use.refused)}`);
  lines.push(`    add: [${add.join(', ')}]`);
  return add;
}
