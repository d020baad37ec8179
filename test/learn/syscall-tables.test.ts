import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archName, parseSeccompRecord, syscallName } from '../../src/learn/audit-records.js';
import { archSummary, attribute, unnamedWarnings } from '../../src/learn/attribute.js';
import { RUNC_POST_FILTER_SYSCALLS } from '../../src/learn/data/runc-base.js';
import { SYSCALLS_AARCH64 } from '../../src/learn/data/syscalls-aarch64.js';
import { SYSCALLS_I386 } from '../../src/learn/data/syscalls-i386.js';
import { SYSCALLS_X32 } from '../../src/learn/data/syscalls-x32.js';
import { SYSCALLS_X86_64 } from '../../src/learn/data/syscalls-x86_64.js';
import { learnedPolicy } from '../../src/learn/policy-out.js';
import { loadPolicy } from '../../src/policy/load.js';
import { groupSyscalls } from '../../src/profiles/data/syscall-groups.js';
import { toSeccompProfile } from '../../src/profiles/seccomp.js';

/** An auditd line (ENRICHED: the raw record, \x1d, auditd's interpretation) with these fields. */
const line = (pid: number, comm: string, arch: string, syscall: number, compat: 0 | 1, enriched: string) =>
  `type=SECCOMP msg=audit(1796412897.993:12998): auid=4294967295 uid=65534 gid=65534 ses=4294967295 pid=${pid} comm="${comm}" exe="/${comm}" sig=0 arch=${arch} syscall=${syscall} compat=${compat} ip=0x401007 code=0x7ffc0000\x1dAUID="unset" UID="nobody" GID="nogroup" ${enriched}`;

// x32: captured on this host (kernel 6.18, CONFIG_X86_X32_ABI not set) from a static 64-bit program
// that made x32-numbered calls (`mov $0x40000027, %eax; syscall`) under a SCMP_ACT_LOG profile. The
// kernel logs them with x86_64's audit arch and the bit in the number (and answers ENOSYS);
// auditd 3.0.9 names them `unknown-syscall(-1)`.
const x32Lines = [
  'type=SECCOMP msg=audit(1796412897.993:12998): auid=4294967295 uid=65534 gid=0 ses=4294967295 pid=29015 comm="x32" exe="/x32" sig=0 arch=c000003e syscall=1073741863 compat=0 ip=0x401007 code=0x7ffc0000\x1dAUID="unset" UID="nobody" GID="root" ARCH=x86_64 SYSCALL=unknown-syscall(-1)',
  'type=SECCOMP msg=audit(1796412897.993:12999): auid=4294967295 uid=65534 gid=0 ses=4294967295 pid=29015 comm="x32" exe="/x32" sig=0 arch=c000003e syscall=1073742336 compat=0 ip=0x40101a code=0x7ffc0000\x1dAUID="unset" UID="nobody" GID="root" ARCH=x86_64 SYSCALL=unknown-syscall(-1)',
];
const auditd64 = line(7, 'python3', 'c000003e', 257, 0, 'ARCH=x86_64 SYSCALL=openat');
// i386 and aarch64 are constructed in the same format: this host refuses 32-bit entry (an ELF32
// binary is an exec format error, int $0x80 a SIGSEGV) and is not arm64.
const i386Lines = [
  line(3101, 'busybox', '40000003', 102, 1, 'ARCH=i386 SYSCALL=socketcall'),
  line(3101, 'busybox', '40000003', 140, 1, 'ARCH=i386 SYSCALL=_llseek'),
  line(3101, 'busybox', '40000003', 192, 1, 'ARCH=i386 SYSCALL=mmap2'),
  line(3101, 'busybox', '40000003', 295, 1, 'ARCH=i386 SYSCALL=openat'),
  line(3101, 'busybox', '40000003', 3, 1, 'ARCH=i386 SYSCALL=read'),
];
const aarch64Lines = [
  line(4201, 'redis-server', 'c00000b7', 56, 0, 'ARCH=aarch64 SYSCALL=openat'),
  line(4201, 'redis-server', 'c00000b7', 63, 0, 'ARCH=aarch64 SYSCALL=read'),
  line(4201, 'redis-server', 'c00000b7', 79, 0, 'ARCH=aarch64 SYSCALL=newfstatat'),
  line(4201, 'redis-server', 'c00000b7', 222, 0, 'ARCH=aarch64 SYSCALL=mmap'),
  line(4201, 'redis-server', 'c00000b7', 242, 0, 'ARCH=aarch64 SYSCALL=accept4'),
];

const names = (lines: string[]) => {
  const o = attribute(lines.map((l) => parseSeccompRecord(l)!), () => true);
  return { names: [...o.syscalls.keys()].sort(), arches: Object.fromEntries(o.arches), unnamed: o.unnamed };
};

describe('syscall names per audit arch', () => {
  it('names i386 (compat) records, the compat-only calls included', () => {
    expect(names(i386Lines)).toEqual({ names: ['_llseek', 'mmap2', 'openat', 'read', 'socketcall'], arches: { i386: 5 }, unnamed: [] });
  });
  it('names aarch64 records by the asm-generic numbers', () => {
    expect(names(aarch64Lines)).toEqual({ names: ['accept4', 'mmap', 'newfstatat', 'openat', 'read'], arches: { aarch64: 5 }, unnamed: [] });
  });
  it('names x32 records: x86_64 audit arch, __X32_SYSCALL_BIT in the number', () => {
    expect(names(x32Lines)).toEqual({ names: ['getpid', 'rt_sigaction'], arches: { x32: 2 }, unnamed: [] });
    expect(archSummary(attribute([...x32Lines, ...x32Lines, auditd64].map((l) => parseSeccompRecord(l)!), () => true))).toBe('x32 4, x86_64 1');
    expect(archSummary(attribute([auditd64].map((l) => parseSeccompRecord(l)!), () => true))).toBe('x86_64');
    expect(archName('c000003e', 39)).toBe('x86_64');
    expect(archName('c000003e', 0x40000000 + 39)).toBe('x32');
  });
  it('the same number is a different call on each arch', () => {
    expect([syscallName('c000003e', 56), syscallName('40000003', 56), syscallName('c00000b7', 56)]).toEqual(['clone', 'mpx', 'openat']);
    // 512 is x32's own rt_sigaction; without the bit it is nothing on x86_64
    expect([syscallName('c000003e', 0x40000000 + 512), syscallName('c000003e', 512)]).toEqual(['rt_sigaction', undefined]);
  });
  it('an arch without a table stays unnamed (learn warns about each), never guessed', () => {
    // 40000028: AUDIT_ARCH_ARM, a 32-bit arm process on an arm64 host
    const o = names([line(5, 'app', '40000028', 322, 1, 'ARCH=armeb SYSCALL=openat'), line(5, 'app', 'c00000b7', 56, 0, '')]);
    expect(o).toEqual({ names: ['openat'], arches: { '40000028': 1, aarch64: 1 }, unnamed: [{ arch: '40000028', syscall: 322 }] });
    expect(archName('40000028')).toBeUndefined();
    const seen = attribute([line(5, 'app', '40000028', 322, 1, ''), line(5, 'app', '40000028', 5, 1, ''), line(6, 'app', 'c000003e', 999, 0, ''), line(6, 'app', 'c000003e', 0, 0, '')].map((l) => parseSeccompRecord(l)!), () => true);
    expect(unnamedWarnings(seen)).toEqual([
      'records of audit arch 40000028 (syscalls 5, 322): this build has syscall tables for x86_64, x32, i386 and aarch64 only, so they cannot be allowed by name',
      "syscall 999 (x86_64, arch c000003e) has no name in this build's table: it cannot be allowed by name",
    ]);
    expect(archSummary(seen)).toBe('40000028 2, x86_64 2');
    expect(syscallName('40000028', 322)).toBeUndefined();
    // a number past the table, and a negative one, are unnamed too
    expect(syscallName('c000003e', 999)).toBeUndefined();
    expect(syscallName('c000003e', -1)).toBeUndefined();
  });
  it('every table is one name per number, with the calls every libc starts with', () => {
    for (const t of [SYSCALLS_X86_64, SYSCALLS_I386, SYSCALLS_X32, SYSCALLS_AARCH64]) {
      const n = Object.values(t);
      expect(new Set(n).size).toBe(n.length);
      for (const s of ['read', 'write', 'close', 'execve', 'exit_group', 'openat', 'futex', 'mseal']) expect(n).toContain(s);
    }
    // runc's post-filter set (measured on x86_64) names calls every table has
    for (const t of [SYSCALLS_X86_64, SYSCALLS_AARCH64]) for (const s of RUNC_POST_FILTER_SYSCALLS['1.1.5']!) expect(Object.values(t), s).toContain(s);
    // arm64 has only the *at forms (asm-generic); i386 has no map_shadow_stack
    expect(Object.values(SYSCALLS_AARCH64)).not.toContain('open');
    expect(Object.values(SYSCALLS_I386)).not.toContain('map_shadow_stack');
  });
});

describe('compat names in a learned policy', () => {
  it('names the groups know are allowed by name and reach the profile; names no group has are reasons', async () => {
    const base = (await loadPolicy('service')).policy;
    const seen = names([...i386Lines, line(3101, 'busybox', '40000003', 67, 1, 'ARCH=i386 SYSCALL=sigaction')]).names;
    expect(seen).toContain('sigaction');
    const out = learnedPolicy(base, 'service', 'learned-i386', { syscalls: new Set(seen), runtime: new Set(), tmpfs: [], ports: [] }, ['test']);
    expect(out.syscalls).toEqual(['_llseek', 'exit', 'exit_group', 'mmap2', 'openat', 'read', 'restart_syscall', 'rt_sigreturn', 'socketcall']);
    // sigaction (i386's pre-rt signal call) is in no group, as in Docker's default profile
    expect(out.reasons).toEqual(['calls sigaction, which service forbids outright']);
    const dir = mkdtempSync(join(tmpdir(), 'learn-arch-'));
    const file = join(dir, 'p.yaml');
    const ok = learnedPolicy(base, 'service', 'learned-i386', { syscalls: new Set(seen.filter((s) => s !== 'sigaction')), runtime: new Set(), tmpfs: [], ports: [] }, ['test']);
    writeFileSync(file, ok.yaml);
    const profile = toSeccompProfile((await loadPolicy(file)).plan);
    expect(profile.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names).sort()).toEqual(['_llseek', 'exit', 'exit_group', 'mmap2', 'openat', 'read', 'restart_syscall', 'rt_sigreturn', 'socketcall']);
  });
  it('the names every table shares with the groups are the ones a learned policy can allow', () => {
    const known = new Set(groupSyscalls(['sysv-ipc', 'posix-mq', 'aio', 'memfd', 'mlock', 'xattr-write', 'sched-admin']));
    // the everyday calls of each arch are known to the groups
    for (const [t, everyday] of [
      [SYSCALLS_I386, ['socketcall', '_llseek', '_newselect', 'mmap2', 'fcntl64', 'fstat64', 'stat64', 'ugetrlimit', 'set_thread_area', 'ipc', 'waitpid', 'sigreturn', 'clock_gettime64', 'futex_time64']],
      [SYSCALLS_AARCH64, ['newfstatat', 'fstat', 'renameat', 'getrlimit', 'clone', 'mmap', 'fadvise64', 'ppoll', 'pselect6']],
      [SYSCALLS_X32, ['rt_sigaction', 'ioctl', 'readv', 'execve', 'recvmsg', 'preadv2']],
    ] as const) {
      for (const s of everyday) {
        expect(Object.values(t), s).toContain(s);
        expect(known.has(s), s).toBe(true);
      }
    }
  });
});
