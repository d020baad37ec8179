import { archName, SECCOMP_RET_LOG, syscallName, type SeccompRecord } from './audit-records.js';

/** runc's init process, before it execs the workload */
const RUNTIME_COMM = /^runc:\[\d:INIT\]$/;

export interface Observed {
  /** syscall name -> records seen, for the container's processes */
  syscalls: Map<string, number>;
  /** names the runtime (runc init) called after its filter loaded */
  runtime: Set<string>;
  /** program names (comm) that made the calls, for the report */
  comms: Set<string>;
  /** LOG records from pids not known to be the container's */
  unattributed: number;
  /** records whose arch/number this build cannot name */
  unnamed: Array<{ arch: string; syscall: number }>;
  /** the container's records per arch (x86_64, x32, i386, aarch64, or the raw audit arch this build has no table for) */
  arches: Map<string, number>;
  records: number;
}

export function emptyObserved(): Observed {
  return { syscalls: new Map(), runtime: new Set(), comms: new Set(), unattributed: 0, unnamed: [], arches: new Map(), records: 0 };
}

/**
 * Adds the records of the container's processes to `into`: only SCMP_ACT_LOG records (our
 * observation filter) from pids `isContainerPid` accepts (the container's cgroup, or its
 * process list). Every other LOG record is counted as unattributed, never silently used.
 */
export function attribute(records: Iterable<SeccompRecord>, isContainerPid: (pid: number) => boolean, into: Observed = emptyObserved()): Observed {
  for (const r of records) {
    if (r.code !== SECCOMP_RET_LOG) continue;
    if (!isContainerPid(r.pid)) {
      into.unattributed++;
      continue;
    }
    into.records++;
    const arch = archName(r.arch, r.syscall) ?? r.arch;
    into.arches.set(arch, (into.arches.get(arch) ?? 0) + 1);
    const name = syscallName(r.arch, r.syscall);
    if (name === undefined) {
      if (!into.unnamed.some((u) => u.arch === r.arch && u.syscall === r.syscall)) into.unnamed.push({ arch: r.arch, syscall: r.syscall });
      continue;
    }
    into.syscalls.set(name, (into.syscalls.get(name) ?? 0) + 1);
    if (RUNTIME_COMM.test(r.comm)) into.runtime.add(name);
    else into.comms.add(r.comm);
  }
  return into;
}

/** The arches the container's records came in, for the policy header: `x86_64` or `x86_64 930, i386 12`. */
export function archSummary(o: Observed): string {
  const arches = [...o.arches].sort((a, b) => b[1] - a[1]);
  if (arches.length === 0) return 'no records';
  return arches.length === 1 ? arches[0]![0] : arches.map(([a, n]) => `${a} ${n}`).join(', ');
}

/**
 * What learn warns about the records it could not name: one line per arch this build has no
 * table for (its numbers cannot be allowed by name at all), one per unknown number otherwise.
 */
export function unnamedWarnings(o: Observed): string[] {
  const out: string[] = [];
  const byArch = new Map<string, number[]>();
  for (const u of o.unnamed) byArch.set(u.arch, [...(byArch.get(u.arch) ?? []), u.syscall]);
  for (const [arch, nrs] of byArch) {
    if (archName(arch) === undefined) {
      out.push(`records of audit arch ${arch} (syscalls ${nrs.sort((a, b) => a - b).join(', ')}): this build has syscall tables for x86_64, x32, i386 and aarch64 only, so they cannot be allowed by name`);
    } else {
      for (const nr of nrs) out.push(`syscall ${nr} (${archName(arch, nr)}, arch ${arch}) has no name in this build's table: it cannot be allowed by name`);
    }
  }
  return out;
}
