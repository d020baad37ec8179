import { ARCH_MAP, ENOSYS } from '../profiles/data/syscall-groups.js';

/** The seccomp profile of a learn run: every call allowed and logged (SCMP_ACT_LOG). */
export interface ObserveProfile {
  defaultAction: 'SCMP_ACT_LOG';
  archMap: Array<{ architecture: string; subArchitectures: string[] }>;
  syscalls: Array<{ names: string[]; action: 'SCMP_ACT_ERRNO'; errnoRet: number; comment: string }>;
}

/**
 * Log every syscall, so that the allowlist can be learned from what was called, including calls
 * the base allows (they must be seen to be kept) and calls it forbids (reported, not added).
 * clone3 answers ENOSYS exactly as under enforcement, so libc takes the same clone path.
 * Capabilities still stop what they gate (mount without SYS_ADMIN fails as it would enforced).
 */
export function observeSeccompProfile(): ObserveProfile {
  return {
    defaultAction: 'SCMP_ACT_LOG',
    archMap: ARCH_MAP.map((a) => ({ architecture: a.architecture, subArchitectures: [...a.subArchitectures] })),
    syscalls: [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, comment: 'clone3: ENOSYS as enforced, so libc falls back to clone' }],
  };
}
