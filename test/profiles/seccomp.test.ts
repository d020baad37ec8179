import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listBuiltinPolicies, loadPolicy } from '../../src/policy/load.js';
import type { HardeningPlan } from '../../src/policy/plan.js';
import { toSeccompProfile, type SeccompProfile } from '../../src/profiles/seccomp.js';
import { SYSCALL_GROUPS } from '../../src/profiles/data/syscall-groups.js';

/**
 * Kept HERE, not imported from src, so the denied set cannot silently shrink: everything
 * Docker's default profile denies, plus io_uring, the new mount API and a few more.
 */
const MUST_DENY = [
  // docker default denies these
  'keyctl', 'add_key', 'request_key', 'ptrace', 'mount', 'umount', 'umount2', 'pivot_root', 'unshare', 'setns',
  'kexec_load', 'kexec_file_load', 'init_module', 'finit_module', 'delete_module', 'bpf', 'perf_event_open',
  'userfaultfd', 'open_by_handle_at', 'name_to_handle_at', 'reboot', 'swapon', 'swapoff', 'acct', 'settimeofday',
  'stime', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64', 'adjtimex', 'quotactl',
  'quotactl_fd', 'lookup_dcookie', 'nfsservctl', 'vm86', 'vm86old', 'uselib', 'iopl', 'ioperm', 'create_module',
  'get_kernel_syms', 'query_module', 'syslog', '_sysctl', 'sysfs', 'ustat', 'fanotify_init', 'kcmp',
  'process_vm_readv', 'process_vm_writev', 'mbind', 'set_mempolicy', 'set_mempolicy_home_node', 'get_mempolicy',
  'move_pages', 'migrate_pages', 'chroot', 'modify_ldt', 'pidfd_getfd', 'sethostname', 'setdomainname',
  'vhangup', 'afs_syscall', 'getpmsg', 'putpmsg', 'security', 'tuxcall', 'vserver', 'bdflush', 'break', 'ftime',
  'gtty', 'stty', 'lock', 'mpx', 'prof', 'profil', 'ulimit', 'idle', 'pciconfig_read', 'pciconfig_write',
  'pciconfig_iobase', 'rtas', 'spu_run', 'spu_create', 'subpage_prot', 'sys_debug_setcontext', 'switch_endian',
  'kexec_load', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr',
  // io_uring
  'io_uring_setup', 'io_uring_enter', 'io_uring_register',
  // fanotify_mark is useless without fanotify_init; also no hidden ways to namespaces or time
  'fanotify_mark',
];

/** Syscalls the busybox shell and coreutils-ish tools need (the runtime engineer also runs them for real). */
const BUSYBOX_NEEDS = [
  'read', 'write', 'openat', 'open', 'close', 'execve', 'fork', 'vfork', 'wait4', 'exit_group', 'brk', 'mmap', 'munmap',
  'mprotect', 'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'getpid', 'getppid', 'getuid', 'getgid', 'geteuid',
  'fstat', 'newfstatat', 'stat', 'lstat', 'getdents64', 'getcwd', 'chdir', 'dup2', 'fcntl', 'ioctl', 'pipe', 'pipe2',
  'lseek', 'readlink', 'uname', 'nanosleep', 'clock_gettime', 'kill', 'setpgid', 'getpgrp', 'set_tid_address',
  'arch_prctl', 'poll', 'mkdir', 'unlink', 'rename', 'chmod', 'access', 'umask', 'sysinfo', 'prlimit64',
];

function allowedNames(profile: SeccompProfile): Set<string> {
  return new Set(profile.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names));
}

async function profileFor(name: string): Promise<SeccompProfile> {
  return toSeccompProfile((await loadPolicy(name)).plan);
}

describe('toSeccompProfile', () => {
  it.each(listBuiltinPolicies())('%s: denies by default with EPERM and maps x86_64/x86/x32 and aarch64/arm', async (name) => {
    const p = await profileFor(name);
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p.defaultErrnoRet).toBe(1);
    expect(p.archMap).toEqual([
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    ]);
  });

  it.each(listBuiltinPolicies())('%s: no syscall from the must-deny list appears in any allow rule', async (name) => {
    const allowed = allowedNames(await profileFor(name));
    expect(MUST_DENY.filter((s) => allowed.has(s))).toEqual([]);
  });

  it('no optional group could ever allow a must-deny syscall either', () => {
    const everything: string[] = Object.values(SYSCALL_GROUPS).flatMap((g) => [...g.syscalls]);
    expect(MUST_DENY.filter((s) => everything.includes(s))).toEqual([]);
  });

  it.each(listBuiltinPolicies())('%s: allows what a busybox shell needs', async (name) => {
    const allowed = allowedNames(await profileFor(name));
    expect(BUSYBOX_NEEDS.filter((s) => !allowed.has(s))).toEqual([]);
  });

  it('allows clone only without namespace flags, and answers clone3 with ENOSYS', async () => {
    const p = await profileFor('untrusted');
    const clone = p.syscalls.filter((r) => r.names.includes('clone'));
    expect(clone).toHaveLength(1);
    // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET, written out independently of src
    expect(clone[0]!.args).toEqual([{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
    expect(clone[0]!.names).toEqual(['clone']);
    const clone3 = p.syscalls.filter((r) => r.names.includes('clone3'));
    expect(clone3).toEqual([expect.objectContaining({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 })]);
  });

  it('allows personality only for the safe values', async () => {
    const p = await profileFor('untrusted');
    const rules = p.syscalls.filter((r) => r.names.includes('personality'));
    expect(rules.every((r) => r.names.length === 1 && r.args?.length === 1 && r.args[0]!.op === 'SCMP_CMP_EQ')).toBe(true);
    expect(rules.map((r) => r.args![0]!.value).sort((a, b) => a - b)).toEqual([0x0, 0x8, 0x20000, 0x20008, 0xffffffff]);
  });

  it('allows socket only for unix, inet, inet6 and netlink; packet only with raw sockets', async () => {
    const { plan } = await loadPolicy('untrusted');
    const families = (pl: HardeningPlan) =>
      toSeccompProfile(pl)
        .syscalls.filter((r) => r.names.includes('socket'))
        .map((r) => r.args?.[0]?.value)
        .sort((a, b) => (a ?? -1) - (b ?? -1));
    expect(families(plan)).toEqual([1, 2, 10, 16]);
    expect(families({ ...plan, apparmor: { ...plan.apparmor, allowRawSockets: true } })).toEqual([1, 2, 10, 16, 17]);
  });

  it('every conditional syscall is allowed only with conditions', async () => {
    const p = await profileFor('default');
    for (const name of ['clone', 'personality', 'socket']) {
      for (const r of p.syscalls.filter((x) => x.names.includes(name))) expect(r.args?.length, name).toBeGreaterThan(0);
    }
  });

  it('optional groups are allowed only when the plan names them', async () => {
    const { plan } = await loadPolicy('untrusted');
    expect(plan.seccomp.allowGroups).toEqual([]);
    const strict = allowedNames(toSeccompProfile(plan));
    expect(strict.has('memfd_create')).toBe(false);
    expect(strict.has('shmget')).toBe(false);
    const loose = allowedNames(toSeccompProfile({ ...plan, seccomp: { ...plan.seccomp, allowGroups: ['memfd', 'sysv-ipc'] } }));
    expect(loose.has('memfd_create')).toBe(true);
    expect(loose.has('shmget')).toBe(true);
    expect(() => toSeccompProfile({ ...plan, seccomp: { ...plan.seccomp, allowGroups: ['file-io'] } })).toThrow(/unknown optional syscall group/);
  });

  it('arch-specific groups carry their arches', async () => {
    const p = await profileFor('untrusted');
    const arm = p.syscalls.find((r) => r.names.includes('cacheflush'));
    expect(arm?.includes).toEqual({ arches: ['arm', 'arm64'] });
    const x86 = p.syscalls.find((r) => r.names.includes('arch_prctl'));
    expect(x86?.includes).toEqual({ arches: ['amd64', 'x32', '386'] });
  });

  it('the schema enum for allowGroups lists exactly the optional groups', () => {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/policy.schema.json', import.meta.url), 'utf8')) as {
      properties: { securityContext: { properties: { seccompProfile: { properties: { allowGroups: { items: { enum: string[] } } } } } } };
    };
    const enumValues = schema.properties.securityContext.properties.seccompProfile.properties.allowGroups.items.enum;
    const optional = Object.entries(SYSCALL_GROUPS).filter(([, g]) => g.optional).map(([n]) => n);
    expect([...enumValues].sort()).toEqual(optional.sort());
  });

  it('no syscall is listed in two groups', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const [group, g] of Object.entries(SYSCALL_GROUPS)) {
      for (const s of g.syscalls) {
        if (seen.has(s)) dupes.push(`${s} (${seen.get(s)}, ${group})`);
        seen.set(s, group);
      }
    }
    expect(dupes).toEqual([]);
  });

  it.each(listBuiltinPolicies())('the %s profile matches its golden file', async (name) => {
    const text = `${JSON.stringify(await profileFor(name), null, 2)}\n`;
    const golden = new URL(`./golden/${name}.seccomp.json`, import.meta.url);
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});
