/**
 * The /proc and /sys paths Docker hides from a container (MaskedPaths: bind-mounted over with
 * /dev/null or an empty read-only tmpfs) and mounts read-only (ReadonlyPaths), by default.
 * Source: `docker inspect` HostConfig.MaskedPaths/ReadonlyPaths of a default container on Docker
 * 20.10.24 (Debian bookworm's docker.io), read 2026-12-04; the lists come from moby's
 * oci/defaults.go. Newer engines add paths (e.g. /sys/devices/virtual/powercap): a list that holds
 * all of these is not reported, so a longer list never alarms.
 */
export const DOCKER_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
];

export const DOCKER_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];
