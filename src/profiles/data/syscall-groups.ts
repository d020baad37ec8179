/**
 * The seccomp allowlist as data: named groups of syscalls. `base` groups are always allowed;
 * `optional` groups are allowed only when a policy lists them in seccompProfile.allowGroups
 * (schemas/policy.schema.json's enum is checked against this file by a test). Arch-specific
 * names sit in groups with `arches` (Docker's Go arch names) so other arches never see them.
 * Names unknown to an older libseccomp are skipped by runc, so newer syscalls can be listed.
 *
 * Nothing Docker's default profile denies is in any group (the deny list is in the tests), nor
 * io_uring, the new mount API, ptrace, keyctl, bpf, userfaultfd, chroot, or mbind & co.
 */

export interface SyscallGroup {
  optional: boolean;
  description: string;
  syscalls: readonly string[];
  /** restrict to these architectures (Docker's Go names: amd64, 386, x32, arm64, arm) */
  arches?: readonly string[];
}

export const SYSCALL_GROUPS = {
  'file-io': {
    optional: false,
    description: 'read, write and manage open files',
    syscalls: [
      'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'preadv2', 'pwritev', 'pwritev2',
      'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'lseek', '_llseek',
      'dup', 'dup2', 'dup3', 'fcntl', 'fcntl64', 'ioctl', 'flock',
      'fsync', 'fdatasync', 'sync', 'syncfs', 'sync_file_range', 'fadvise64', 'fadvise64_64', 'fallocate', 'readahead',
      'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice', 'copy_file_range',
      'truncate', 'truncate64', 'ftruncate', 'ftruncate64',
    ],
  },
  'file-meta': {
    optional: false,
    description: 'directories, names, permissions and metadata of files',
    syscalls: [
      'stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'fstatat64', 'newfstatat', 'statx',
      'statfs', 'statfs64', 'fstatfs', 'fstatfs64', 'access', 'faccessat', 'faccessat2',
      'getdents', 'getdents64', 'getcwd', 'chdir', 'fchdir', 'readlink', 'readlinkat',
      'mkdir', 'mkdirat', 'rmdir', 'rename', 'renameat', 'renameat2', 'link', 'linkat', 'symlink', 'symlinkat', 'unlink', 'unlinkat',
      'chmod', 'fchmod', 'fchmodat', 'fchmodat2', 'chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32',
      'umask', 'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat', 'mknod', 'mknodat',
      'getxattr', 'lgetxattr', 'fgetxattr', 'listxattr', 'llistxattr', 'flistxattr',
      'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch',
    ],
  },
  memory: {
    optional: false,
    description: 'map, protect and release memory',
    syscalls: [
      'brk', 'mmap', 'mmap2', 'munmap', 'mprotect', 'mremap', 'madvise', 'mincore', 'msync', 'remap_file_pages',
      'membarrier', 'pkey_alloc', 'pkey_free', 'pkey_mprotect', 'map_shadow_stack',
    ],
  },
  process: {
    optional: false,
    description: 'run programs, create processes (clone is conditional, below), ids, limits, threads',
    syscalls: [
      'execve', 'execveat', 'fork', 'vfork', 'exit', 'exit_group', 'wait4', 'waitid', 'waitpid',
      'getpid', 'getppid', 'gettid', 'getpgid', 'getpgrp', 'setpgid', 'getsid', 'setsid',
      'getuid', 'getuid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getegid', 'getegid32', 'getgroups', 'getgroups32',
      'getresuid', 'getresuid32', 'getresgid', 'getresgid32',
      'setuid', 'setuid32', 'setgid', 'setgid32', 'setreuid', 'setreuid32', 'setregid', 'setregid32',
      'setresuid', 'setresuid32', 'setresgid', 'setresgid32', 'setgroups', 'setgroups32',
      'setfsuid', 'setfsuid32', 'setfsgid', 'setfsgid32', 'capget', 'capset', 'prctl',
      'set_tid_address', 'set_robust_list', 'get_robust_list', 'rseq',
      'futex', 'futex_time64', 'futex_waitv', 'futex_wait', 'futex_wake', 'futex_requeue',
      'getrlimit', 'ugetrlimit', 'setrlimit', 'prlimit64', 'getrusage', 'getpriority', 'setpriority',
      'sched_yield', 'sched_getaffinity', 'sched_getparam', 'sched_getscheduler', 'sched_getattr',
      'sched_get_priority_max', 'sched_get_priority_min', 'sched_rr_get_interval', 'sched_rr_get_interval_time64',
      'getcpu', 'uname', 'sysinfo', 'getrandom', 'restart_syscall', 'seccomp', 'ioprio_get',
      'pidfd_open', 'pidfd_send_signal', 'process_mrelease',
      'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self',
    ],
  },
  signals: {
    optional: false,
    description: 'signals and timers that deliver them',
    syscalls: [
      'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigsuspend', 'rt_sigpending', 'rt_sigtimedwait', 'rt_sigtimedwait_time64',
      'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'sigaltstack', 'signalfd', 'signalfd4', 'sigprocmask', 'sigreturn',
      'kill', 'tkill', 'tgkill', 'pause', 'alarm', 'getitimer', 'setitimer',
      'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_gettime64', 'timer_settime', 'timer_settime64',
    ],
  },
  time: {
    optional: false,
    description: 'read clocks and sleep (setting clocks is denied)',
    syscalls: [
      'clock_gettime', 'clock_gettime64', 'clock_getres', 'clock_getres_time64', 'clock_nanosleep', 'clock_nanosleep_time64',
      'nanosleep', 'gettimeofday', 'time', 'times',
      'timerfd_create', 'timerfd_gettime', 'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64',
    ],
  },
  polling: {
    optional: false,
    description: 'pipes, eventfd, poll/select/epoll',
    syscalls: [
      'pipe', 'pipe2', 'eventfd', 'eventfd2', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old',
      'epoll_wait', 'epoll_wait_old', 'epoll_pwait', 'epoll_pwait2',
      'poll', 'ppoll', 'ppoll_time64', 'select', '_newselect', 'pselect6', 'pselect6_time64',
    ],
  },
  // Socket calls are always allowed: with network "none" the container's network namespace holds
  // only loopback, so the namespace (not seccomp) is the boundary, and AF_UNIX/loopback use is
  // common even offline. socket() itself is conditional on the address family (below).
  net: {
    optional: false,
    description: 'sockets on an allowed address family (socket() itself is conditional)',
    syscalls: [
      'socketpair', 'socketcall', 'bind', 'connect', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername',
      'getsockopt', 'setsockopt', 'sendto', 'sendmsg', 'sendmmsg', 'send', 'recv', 'recvfrom', 'recvmsg', 'recvmmsg',
      'recvmmsg_time64', 'shutdown',
    ],
  },
  'arch-x86': {
    optional: false,
    description: 'x86 thread-local storage setup',
    arches: ['amd64', 'x32', '386'],
    syscalls: ['arch_prctl', 'set_thread_area', 'get_thread_area'],
  },
  'arch-arm': {
    optional: false,
    description: '32-bit ARM variants and cache maintenance',
    arches: ['arm', 'arm64'],
    syscalls: ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls'],
  },
  'sysv-ipc': {
    optional: true,
    description: 'System V message queues, semaphores and shared memory (databases use these)',
    syscalls: [
      'ipc', 'msgctl', 'msgget', 'msgrcv', 'msgsnd', 'semctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64',
      'shmat', 'shmctl', 'shmdt', 'shmget',
    ],
  },
  'posix-mq': {
    optional: true,
    description: 'POSIX message queues',
    syscalls: [
      'mq_open', 'mq_unlink', 'mq_getsetattr', 'mq_notify', 'mq_timedreceive', 'mq_timedreceive_time64', 'mq_timedsend',
      'mq_timedsend_time64',
    ],
  },
  aio: {
    optional: true,
    description: 'Linux native asynchronous I/O (not io_uring, which is always denied)',
    syscalls: ['io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64'],
  },
  memfd: {
    optional: true,
    description: 'anonymous memory files; denied by default in untrusted because memfd + execveat runs code that never touched a noexec mount',
    syscalls: ['memfd_create', 'memfd_secret'],
  },
  mlock: {
    optional: true,
    description: 'lock memory against swapping (bounded by RLIMIT_MEMLOCK)',
    syscalls: ['mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall'],
  },
  'xattr-write': {
    optional: true,
    description: 'set and remove extended attributes',
    syscalls: ['setxattr', 'lsetxattr', 'fsetxattr', 'removexattr', 'lremovexattr', 'fremovexattr'],
  },
  'sched-admin': {
    optional: true,
    description: 'change CPU affinity, scheduling policy and I/O priority',
    syscalls: ['sched_setaffinity', 'sched_setparam', 'sched_setscheduler', 'sched_setattr', 'ioprio_set'],
  },
} as const satisfies Record<string, SyscallGroup>;

export type SyscallGroupName = keyof typeof SYSCALL_GROUPS;

/** personality(2) values that change nothing security-relevant (Docker's list). */
export const SAFE_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff] as const;

/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET: clone with any of these is denied. */
export const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

/** Address families socket(2) may use; AF_PACKET is added only when raw sockets are allowed. */
export const SOCKET_FAMILIES = { AF_UNIX: 1, AF_INET: 2, AF_INET6: 10, AF_NETLINK: 16 } as const;
export const AF_PACKET = 17;

export const EPERM = 1;
/** clone3 answers ENOSYS so libc falls back to clone, whose flags we can inspect (clone3's are behind a pointer). */
export const ENOSYS = 38;

/** Native architecture -> the compat ABIs its kernel also accepts. */
export const ARCH_MAP = [
  { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
  { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
] as const;

/** Every syscall name the base groups and the named optional groups allow (conditional rules included). */
export function groupSyscalls(allowGroups: readonly string[]): string[] {
  const names = new Set<string>(['personality', 'socket', 'clone']);
  for (const [name, group] of Object.entries(SYSCALL_GROUPS as Record<string, SyscallGroup>)) {
    if (group.optional && !allowGroups.includes(name)) continue;
    for (const s of group.syscalls) names.add(s);
  }
  return [...names].sort();
}
