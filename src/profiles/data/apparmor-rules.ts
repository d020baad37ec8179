/**
 * AppArmor rule data for the generated profile, modelled on Docker's docker-default template
 * (moby/profiles/apparmor/template.go) and tightened where the plan says so. The template in
 * ../apparmor.ts only arranges these lines.
 */

/** File rules denied in every profile: kernel interfaces a container has no business writing or reading. */
export const DENIED_FILE_RULES: ReadonlyArray<{ rule: string; why: string }> = [
  { rule: 'deny @{PROC}/* w,', why: 'files directly under /proc (sysrq-trigger, kcore, ...)' },
  {
    // everything under /proc that is neither /proc/<pid>/** nor /proc/sys/** (the latter is denied below)
    rule: 'deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9/]*}/** w,',
    why: 'other /proc subtrees (docker-default)',
  },
  { rule: 'deny @{PROC}/sys/** w,', why: 'kernel tunables (docker-default spares /proc/sys/kernel/shm*; we do not)' },
  { rule: 'deny @{PROC}/sysrq-trigger rwklx,', why: 'magic SysRq' },
  { rule: 'deny @{PROC}/kcore rwklx,', why: 'physical memory image' },
  { rule: 'deny @{PROC}/kmem rwklx,', why: 'kernel memory' },
  { rule: 'deny @{PROC}/mem rwklx,', why: 'physical memory' },
  { rule: 'deny @{PROC}/kallsyms rwklx,', why: 'kernel symbol addresses' },
  { rule: 'deny /dev/mem rwklx,', why: 'physical memory' },
  { rule: 'deny /dev/kmem rwklx,', why: 'kernel memory' },
  { rule: 'deny /dev/port rwklx,', why: 'I/O ports' },
  { rule: 'deny /sys/** wklx,', why: 'sysfs is read-only (docker-default spares cgroupfs; we do not)' },
  { rule: 'deny /sys/firmware/** rwklx,', why: 'firmware tables (ACPI, EFI variables)' },
  { rule: 'deny /sys/devices/virtual/powercap/** rwklx,', why: 'RAPL energy counters (PLATYPUS side channel)' },
  { rule: 'deny /sys/kernel/security/** rwklx,', why: 'LSM policy interfaces' },
  { rule: 'deny /sys/kernel/debug/** rwklx,', why: 'debugfs' },
];

/** Non-file operations denied in every profile. */
export const DENIED_OPERATIONS: ReadonlyArray<{ rule: string; why: string }> = [
  { rule: 'deny mount,', why: 'no filesystem mounts' },
  { rule: 'deny umount,', why: 'no unmounting what the runtime set up' },
  { rule: 'deny pivot_root,', why: 'no root switching' },
  { rule: 'deny ptrace (trace),', why: 'no debugging or injecting into processes, even our own' },
];

/** Socket families denied unless the plan allows raw sockets. */
export const RAW_NETWORK_DENIALS: readonly string[] = ['deny network raw,', 'deny network packet,'];
