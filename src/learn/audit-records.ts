import { SYSCALLS_AARCH64 } from './data/syscalls-aarch64.js';
import { SYSCALLS_I386 } from './data/syscalls-i386.js';
import { SYSCALLS_X32 } from './data/syscalls-x32.js';
import { SYSCALLS_X86_64 } from './data/syscalls-x86_64.js';

/** One seccomp audit record (type 1326, "SECCOMP" in auditd's log), the fields learn reads. */
export interface SeccompRecord {
  /** host pid (the audit subsystem reports pids in the initial pid namespace) */
  pid: number;
  comm: string;
  /** audit arch, e.g. c000003e for x86_64 */
  arch: string;
  syscall: number;
  /** the seccomp action: 0x7ffc0000 is SCMP_ACT_LOG */
  code: string;
}

export const SECCOMP_RET_LOG = '0x7ffc0000';
export const AUDIT_ARCH_X86_64 = 'c000003e';
/** 32-bit processes on an x86_64 kernel (and i386 hosts) */
export const AUDIT_ARCH_I386 = '40000003';
export const AUDIT_ARCH_AARCH64 = 'c00000b7';
/** an x32 process reports AUDIT_ARCH_X86_64 with this bit set in the syscall number */
export const X32_SYSCALL_BIT = 0x40000000;

const FIELD = /(?:^|\s)(pid|comm|arch|syscall|code)=("[^"]*"|\S+)/g;

/** audit writes an untrusted string with odd bytes as bare hex instead of "quoted" */
function auditString(raw: string): string {
  if (raw.startsWith('"')) return raw.slice(1, -1);
  return /^[0-9A-F]+$/.test(raw) && raw.length % 2 === 0 ? Buffer.from(raw, 'hex').toString('utf8') : raw;
}

/**
 * A line of /var/log/audit/audit.log (`type=SECCOMP msg=audit(...): ... syscall=257 ...`, the
 * ENRICHED tail after \x1d ignored) or of the kernel log (`audit: type=1326 audit(...): ...`).
 */
export function parseSeccompRecord(line: string): SeccompRecord | undefined {
  if (!/\btype=(SECCOMP|1326)\b/.test(line)) return undefined;
  const raw = line.split('\x1d')[0] ?? '';
  const f: Record<string, string> = {};
  for (const m of raw.matchAll(FIELD)) f[m[1]!] = m[2]!;
  const pid = Number(f.pid);
  const syscall = Number(f.syscall);
  if (!Number.isInteger(pid) || !Number.isInteger(syscall) || f.arch === undefined || f.code === undefined) return undefined;
  return { pid, comm: auditString(f.comm ?? ''), arch: f.arch, syscall, code: f.code };
}

/** `kauditd_printk_skb: 12 callbacks suppressed`: records the kernel log dropped. */
export function suppressedCount(line: string): number {
  const m = /kauditd_printk_skb: (\d+) callbacks suppressed/.exec(line);
  return m ? Number(m[1]) : 0;
}

/** The tables this build has, by audit arch (the `arch=` field, lower-case hex). */
const TABLES: Readonly<Record<string, { name: string; table: Readonly<Record<number, string>> }>> = {
  [AUDIT_ARCH_X86_64]: { name: 'x86_64', table: SYSCALLS_X86_64 },
  [AUDIT_ARCH_I386]: { name: 'i386', table: SYSCALLS_I386 },
  [AUDIT_ARCH_AARCH64]: { name: 'aarch64', table: SYSCALLS_AARCH64 },
};

/**
 * The arch's name for a record (`x86_64`, `x32`, `i386`, `aarch64`); undefined for an arch this
 * build has no table for. x32 shares x86_64's audit arch: the number's X32 bit tells them apart.
 */
export function archName(arch: string, nr?: number): string | undefined {
  const t = TABLES[arch.toLowerCase()];
  if (t?.name === 'x86_64' && nr !== undefined && nr >= 0 && nr & X32_SYSCALL_BIT) return 'x32';
  return t?.name;
}

/**
 * The syscall name for a record's arch and number; undefined when this build has no table for
 * the arch or the table no name for the number. Names are what the kernel's uapi headers call
 * them, which is also what libseccomp resolves per arch, so a name allowed in a profile covers
 * the same call on every arch the profile lists (x86_64's profiles list x86 and x32 too).
 */
export function syscallName(arch: string, nr: number): string | undefined {
  const a = archName(arch, nr);
  if (a === 'x32') return SYSCALLS_X32[nr - X32_SYSCALL_BIT];
  return a === undefined ? undefined : TABLES[arch.toLowerCase()]!.table[nr];
}
