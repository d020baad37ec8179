import type { HardeningPlan } from '../policy/plan.js';
import {
  AF_PACKET,
  ARCH_MAP,
  CLONE_NAMESPACE_FLAGS,
  ENOSYS,
  EPERM,
  SAFE_PERSONALITIES,
  SOCKET_FAMILIES,
  SYSCALL_GROUPS,
  type SyscallGroup,
} from './data/syscall-groups.js';

/** A Docker/OCI seccomp profile, as `docker run --security-opt seccomp=<file>` reads it. */
export interface SeccompProfile {
  defaultAction: 'SCMP_ACT_ERRNO';
  defaultErrnoRet: number;
  archMap: Array<{ architecture: string; subArchitectures: string[] }>;
  syscalls: SeccompRule[];
}

export interface SeccompRule {
  names: string[];
  action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO';
  errnoRet?: number;
  args?: SeccompArg[];
  includes?: { arches?: string[] };
  comment?: string;
}

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo: number;
  op: 'SCMP_CMP_EQ' | 'SCMP_CMP_MASKED_EQ';
}

/**
 * HardeningPlan -> seccomp profile: deny by default with EPERM; allow the base groups, the
 * optional groups the plan names, and a few syscalls only with safe arguments. Pure.
 * (The plan's seccomp.mode decides whether the runtime uses this or the engine's default.)
 */
/** Where the profile is enforced: by the host kernel (runc), or by gVisor's runsc with --oci-seccomp. */
export interface SeccompTarget {
  gvisor?: boolean;
}

export function toSeccompProfile(plan: HardeningPlan, target: SeccompTarget = {}): SeccompProfile {
  const groups = Object.entries(SYSCALL_GROUPS as Record<string, SyscallGroup>);
  const unknown = plan.seccomp.allowGroups.filter((g) => !(SYSCALL_GROUPS as Record<string, SyscallGroup>)[g]?.optional);
  if (unknown.length) throw new RangeError(`unknown optional syscall group(s): ${unknown.join(', ')}`);
  const rules: SeccompRule[] = [];
  // a learned allowlist narrows the groups to the names it lists; it never adds a name
  const only = plan.seccomp.syscalls === undefined ? undefined : new Set(plan.seccomp.syscalls);
  const allowed = (name: string): boolean => only === undefined || only.has(name);
  for (const [name, group] of groups) {
    if (group.optional && !plan.seccomp.allowGroups.includes(name)) continue;
    const names = group.syscalls.filter(allowed);
    if (names.length === 0) continue;
    const rule: SeccompRule = { names, action: 'SCMP_ACT_ALLOW', comment: `${name}: ${group.description}` };
    if (group.arches) rule.includes = { arches: [...group.arches] };
    rules.push(rule);
  }
  // several args entries in one rule are ANDed, so each allowed value gets its own rule (OR)
  for (const value of allowed('personality') ? SAFE_PERSONALITIES : []) {
    rules.push({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value, valueTwo: 0, op: 'SCMP_CMP_EQ' }], comment: 'personality: safe values only' });
  }
  const families: number[] = [...Object.values(SOCKET_FAMILIES), ...(plan.apparmor.allowRawSockets ? [AF_PACKET] : [])];
  for (const value of allowed('socket') ? families : []) {
    rules.push({ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value, valueTwo: 0, op: 'SCMP_CMP_EQ' }], comment: 'socket: allowed address families only' });
  }
  // clone's flags are argument 0 on x86 and arm (s390 differs; not a target)
  if (allowed('clone')) rules.push({
    names: ['clone'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    comment: 'clone: only without namespace flags',
  });
  if (target.gvisor) {
    // runsc (20221219) answers an errnoRet rule with EPERM, not the errno asked for (measured), so
    // glibc would not fall back to clone and no thread could start; clone3 is served by gVisor's
    // own kernel there, which is the boundary, not the host's
    rules.push({ names: ['clone3'], action: 'SCMP_ACT_ALLOW', comment: 'clone3: allowed under gVisor (errnoRet is not honoured by runsc)' });
  } else {
    rules.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS, comment: 'clone3: ENOSYS so libc falls back to clone' });
  }
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    archMap: ARCH_MAP.map((a) => ({ architecture: a.architecture, subArchitectures: [...a.subArchitectures] })),
    syscalls: rules,
  };
}
