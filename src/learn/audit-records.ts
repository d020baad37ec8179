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

/** The syscall name for a record's arch and number; undefined when this build has no table for it. */
export function syscallName(arch: string, nr: number): string | undefined {
  return arch === AUDIT_ARCH_X86_64 ? SYSCALLS_X86_64[nr] : undefined;
}
