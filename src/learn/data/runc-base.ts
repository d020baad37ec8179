/**
 * Syscalls the runtime itself makes after it has loaded the container's seccomp filter and
 * before it execs the workload (runc's standard init with no-new-privileges: the filter is
 * loaded just before execve). A learned allowlist always keeps these, or the container never
 * starts. They change between runc versions (the anchors' profiles broke on upgrades), so the
 * set is pinned to the version it was measured on and `learn` refuses to trust it for another.
 *
 * Measured 2026-12-04 on Debian 12's runc 1.1.5+ds1-1+deb12u1 (Docker 20.10.24, kernel 6.18,
 * x86_64): 5 runs of `docker run --security-opt seccomp=<defaultAction SCMP_ACT_LOG>
 * --security-opt no-new-privileges --cap-drop ALL -u 65534 busybox true`, records with
 * comm="runc:[2:INIT]" in /var/log/audit/audit.log; all 5 runs gave the same 9 numbers:
 * 1 3 39 59 138 202 217 233 257. Without no-new-privileges runc loads the filter earlier and
 * 24 appear (setuid & co.): bulkhead always sets no-new-privileges.
 * Remeasured the same way on the real-python image, 120 runs (80 of them with both cores busy):
 * the same 9 in every run, and 15 (rt_sigreturn) in 9 runs: runc init is a Go program, and a
 * signal (the Go scheduler's preemption) can reach it after the filter loads. Without
 * rt_sigreturn such a run dies with SIGSEGV (139) before the workload starts: a learned policy
 * that missed it failed about one start in five (learn's flaky verify run in CI).
 */
export const RUNC_POST_FILTER_SYSCALLS: Readonly<Record<string, readonly string[]>> = {
  '1.1.5': ['close', 'epoll_ctl', 'execve', 'fstatfs', 'futex', 'getdents64', 'getpid', 'openat', 'rt_sigreturn', 'write'],
};

/**
 * Kept in every learned allowlist whatever was seen: a call a process cannot fail cleanly. A
 * denied rt_sigreturn returns into the signal frame and crashes (SIGSEGV); a denied
 * restart_syscall breaks a sleep interrupted by a stopped-and-continued signal; a denied exit or
 * exit_group leaves a process that cannot end (a watched server is killed, so its exit is never
 * seen). Docker's default profile allows all four.
 */
export const ALWAYS_KEPT_SYSCALLS: readonly string[] = ['exit', 'exit_group', 'restart_syscall', 'rt_sigreturn'];

/** The measured set for a runc version ("1.1.5+ds1" -> 1.1.5), or undefined when none was measured. */
export function runcBaseSet(runcVersion: string | undefined): { version: string; syscalls: readonly string[] } | undefined {
  const m = /(\d+\.\d+\.\d+)/.exec(runcVersion ?? '');
  const version = m?.[1];
  const syscalls = version === undefined ? undefined : RUNC_POST_FILTER_SYSCALLS[version];
  return version !== undefined && syscalls !== undefined ? { version, syscalls } : undefined;
}
