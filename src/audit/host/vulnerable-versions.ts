import type { Severity } from '../model.js';

export type Component = 'engine' | 'containerd' | 'runc' | 'kernel';

/**
 * Known-vulnerable upstream version ranges of the engine and what it runs on, as data. Ranges are
 * semver ranges over versions normalised by normaliseVersion (release candidates as "-rc.N" so
 * rc10 sorts after rc9). Fixes that Debian and Ubuntu backported into their packages are in
 * distro-fixes.ts, compared in dpkg order: HS001 reads these two tables and nothing else.
 */
export interface VulnerableRange {
  id: string;
  component: Component;
  /** semver range of affected versions */
  affected: string;
  /** first fixed versions, for the message */
  fixed: string;
  severity: Severity;
  summary: string;
  /** only exploitable with this engine feature in use; otherwise reported as low */
  requires?: 'authorization-plugin';
}

export const VULNERABLE_RANGES: readonly VulnerableRange[] = [
  {
    id: 'CVE-2019-5736',
    component: 'runc',
    affected: '<1.0.0-rc.6',
    fixed: 'runc 1.0.0-rc6',
    severity: 'critical',
    summary: 'a container process can overwrite the host runc binary and gain root on the host',
  },
  {
    id: 'CVE-2019-5736',
    component: 'engine',
    affected: '<18.9.2',
    fixed: 'Docker 18.09.2 (bundled runc)',
    severity: 'critical',
    summary: 'the bundled runc lets a container overwrite the host runc binary',
  },
  {
    id: 'CVE-2021-30465',
    component: 'runc',
    affected: '<1.0.0-rc.95',
    fixed: 'runc 1.0.0-rc95',
    severity: 'high',
    summary: 'a symlink-exchange race in mount handling lets a container mount host paths',
  },
  {
    id: 'CVE-2024-21626',
    component: 'runc',
    affected: '>=1.0.0-rc.93 <1.1.12',
    fixed: 'runc 1.1.12',
    severity: 'high',
    summary: '"Leaky Vessels": a leaked host file descriptor lets an image or exec working directory escape to the host filesystem',
  },
  {
    id: 'CVE-2022-29162',
    component: 'runc',
    affected: '<1.1.2',
    fixed: 'runc 1.1.2',
    severity: 'medium',
    summary: '`runc exec --cap` leaves inheritable capabilities set, so setuid-less privilege gains are possible',
  },
  {
    id: 'CVE-2023-27561',
    component: 'runc',
    affected: '<1.1.5',
    fixed: 'runc 1.1.5',
    severity: 'high',
    summary: 'a /proc mount through a symlink bypasses the AppArmor profile (regression of CVE-2019-16884)',
  },
  {
    id: 'CVE-2025-31133',
    component: 'runc',
    affected: '<1.2.8 || >=1.3.0 <1.3.3',
    fixed: 'runc 1.2.8, 1.3.3, 1.4.0-rc.3',
    severity: 'high',
    summary: 'maskedPaths replaced by a symlink lets a container write to host procfs files (container escape)',
  },
  {
    id: 'CVE-2025-52565',
    component: 'runc',
    affected: '<1.2.8 || >=1.3.0 <1.3.3',
    fixed: 'runc 1.2.8, 1.3.3, 1.4.0-rc.3',
    severity: 'high',
    summary: 'a /dev/console bind-mount race lets a container write to host procfs files',
  },
  {
    id: 'CVE-2025-52881',
    component: 'runc',
    affected: '<1.2.8 || >=1.3.0 <1.3.3',
    fixed: 'runc 1.2.8, 1.3.3, 1.4.0-rc.3',
    severity: 'high',
    summary: 'procfs writes can be redirected past LSM checks, defeating AppArmor and leading to escapes',
  },
  {
    id: 'CVE-2020-15257',
    component: 'containerd',
    affected: '<1.3.9 || >=1.4.0 <1.4.3',
    fixed: 'containerd 1.3.9, 1.4.3',
    severity: 'high',
    summary: 'containerd-shim API on an abstract unix socket is reachable from host-network containers, which gain root on the host',
  },
  {
    id: 'CVE-2021-32760',
    component: 'containerd',
    affected: '<1.4.8 || >=1.5.0 <1.5.4',
    fixed: 'containerd 1.4.8, 1.5.4',
    severity: 'medium',
    summary: 'pulling and extracting a crafted image changes permissions of host files',
  },
  {
    id: 'CVE-2022-23648',
    component: 'containerd',
    affected: '<1.4.13 || >=1.5.0 <1.5.10 || >=1.6.0 <1.6.1',
    fixed: 'containerd 1.4.13, 1.5.10, 1.6.1',
    severity: 'high',
    summary: 'a crafted image volume path copies arbitrary host files into the container',
  },
  {
    id: 'CVE-2023-25153',
    component: 'containerd',
    affected: '<1.5.18 || >=1.6.0 <1.6.18',
    fixed: 'containerd 1.5.18, 1.6.18',
    severity: 'medium',
    summary: 'importing a crafted OCI image archive exhausts host memory',
  },
  {
    id: 'CVE-2021-21284',
    component: 'engine',
    affected: '<19.3.15 || >=20.0.0 <20.10.3',
    fixed: 'Docker 19.03.15, 20.10.3',
    severity: 'medium',
    summary: 'with userns-remap, the remapped root can escalate to real root through the data root',
  },
  {
    id: 'CVE-2021-41091',
    component: 'engine',
    affected: '<20.10.9',
    fixed: 'Docker 20.10.9',
    severity: 'medium',
    summary: 'the data directory (/var/lib/docker) lets unprivileged host users traverse into containers and run their setuid files',
  },
  {
    id: 'CVE-2022-24769',
    component: 'engine',
    affected: '<20.10.14',
    fixed: 'Docker 20.10.14',
    severity: 'medium',
    summary: 'containers start with non-empty inheritable capabilities',
  },
  {
    id: 'CVE-2024-24557',
    component: 'engine',
    affected: '<24.0.9 || >=25.0.0 <25.0.2',
    fixed: 'Docker 24.0.9, 25.0.2',
    severity: 'medium',
    summary: 'the classic builder cache can be poisoned by an image built FROM a crafted base',
  },
  {
    id: 'CVE-2024-29018',
    component: 'engine',
    affected: '<23.0.11 || >=24.0.0 <25.0.5',
    fixed: 'Docker 23.0.11, 25.0.5, 26.0.0',
    severity: 'low',
    summary: 'containers on internal networks can exfiltrate data through the host DNS forwarder',
  },
  {
    id: 'CVE-2024-41110',
    component: 'engine',
    affected: '>=19.3.0 <23.0.15 || >=24.0.0 <25.0.6 || >=26.0.0 <26.1.5 || >=27.0.0 <27.1.1',
    fixed: 'Docker 23.0.15, 25.0.6, 26.1.5, 27.1.1',
    severity: 'critical',
    summary: 'an API request with an empty body bypasses authorization (AuthZ) plugins',
    requires: 'authorization-plugin',
  },
  {
    id: 'CVE-2016-5195',
    component: 'kernel',
    affected: '<4.4.26 || >=4.5.0 <4.7.10 || >=4.8.0 <4.8.3',
    fixed: 'Linux 4.4.26, 4.7.10, 4.8.3',
    severity: 'critical',
    summary: '"Dirty COW": a copy-on-write race writes read-only files, escaping containers',
  },
  {
    id: 'CVE-2022-0185',
    component: 'kernel',
    affected: '>=5.1.0 <5.4.173 || >=5.5.0 <5.10.93 || >=5.11.0 <5.15.16 || >=5.16.0 <5.16.2',
    fixed: 'Linux 5.4.173, 5.10.93, 5.15.16, 5.16.2',
    severity: 'high',
    summary: 'a heap overflow in fsconfig lets a process with CAP_SYS_ADMIN in a user namespace escape the container',
  },
  {
    id: 'CVE-2022-0847',
    component: 'kernel',
    affected: '>=5.8.0 <5.10.102 || >=5.11.0 <5.15.25 || >=5.16.0 <5.16.11',
    fixed: 'Linux 5.10.102, 5.15.25, 5.16.11',
    severity: 'high',
    summary: '"Dirty Pipe": page cache of read-only files can be overwritten, including the host runc binary',
  },
];
