import type { Component } from './vulnerable-versions.js';

/**
 * Fixes that distributions backport into their packages without moving to the upstream fixed
 * version (Debian's runc 1.1.5+ds1-1+deb12u1 carries the fix of upstream runc 1.1.12), as data.
 * HS001 reads a package version against this table before it reports an upstream range.
 *
 * Sources, read 2026-12-04:
 * - Debian 12 (bookworm): the changelogs of the packages installed on a Debian 12 host,
 *   /usr/share/doc/{runc,docker.io,containerd}/changelog.Debian.gz and docker.io's
 *   changelog.Debian.amd64.gz (binNMU +b6), i.e. the package maintainers' own record:
 *     runc (1.1.5+ds1-1+deb12u1) bookworm-security, 2024-02-02: "CVE-2024-21626: several
 *       container breakouts due to internally leaked fds"
 *     docker.io (20.10.24+dfsg1-1+deb12u1) bookworm, 2024-10-12: "Fix CVE-2024-41110: Authz zero
 *       length regression" (Closes: #1084993); 20.10.24+dfsg1-1+deb12u1+b6, 2026-05-07: rebuild
 *     containerd (1.6.20~ds1-1+deb12u3) bookworm, 2026-02-12: newest entry read; its bookworm
 *       fixes (CVE-2024-25621, CVE-2024-40635 in +deb12u2, CVE-2025-64329 in +deb12u3) are not in
 *       the upstream range table, so no entry below needs them.
 * - Ubuntu: USN-6619-1 (runc, CVE-2024-21626, published 2024-01-31) as Canonical's OSV record,
 *   github.com/canonical/ubuntu-security-notices osv/usn/USN-6619-1.json at commit
 *   0a39a95454c94ee3342e9a3418231e3e83385faa (modified 2025-07-16).
 * The distro security trackers (security-tracker.debian.org, ubuntu.com/security) are the place
 * to extend this from.
 */

export type Distro = 'debian' | 'ubuntu';

export interface DistroPackageFixes {
  distro: Distro;
  /** Debian: the codename ("bookworm"); Ubuntu: the release number ("22.04") */
  release: string;
  component: Component;
  /** the distribution's package name */
  package: string;
  /** CVE -> the first package version of this release that carries the fix */
  fixes: Readonly<Record<string, string>>;
  /**
   * The newest package version whose whole changelog was read. A CVE of the upstream range that
   * `fixes` does not list is unfixed in every package version up to this one; past it, unknown.
   */
  changelogReadThrough?: string;
  source: string;
}

export const DISTRO_FIXES: readonly DistroPackageFixes[] = [
  {
    distro: 'debian',
    release: 'bookworm',
    component: 'runc',
    package: 'runc',
    fixes: { 'CVE-2024-21626': '1.1.5+ds1-1+deb12u1' },
    changelogReadThrough: '1.1.5+ds1-1+deb12u1',
    source: 'runc changelog.Debian.gz, 1.1.5+ds1-1+deb12u1 (2024-02-02)',
  },
  {
    distro: 'debian',
    release: 'bookworm',
    component: 'engine',
    package: 'docker.io',
    fixes: { 'CVE-2024-41110': '20.10.24+dfsg1-1+deb12u1' },
    changelogReadThrough: '20.10.24+dfsg1-1+deb12u1+b6',
    source: 'docker.io changelog.Debian.gz, 20.10.24+dfsg1-1+deb12u1 (2024-10-12)',
  },
  {
    distro: 'debian',
    release: 'bookworm',
    component: 'containerd',
    package: 'containerd',
    fixes: {},
    changelogReadThrough: '1.6.20~ds1-1+deb12u3',
    source: 'containerd changelog.Debian.gz, through 1.6.20~ds1-1+deb12u3 (2026-02-12)',
  },
  {
    distro: 'ubuntu',
    release: '18.04',
    component: 'runc',
    package: 'runc',
    fixes: { 'CVE-2024-21626': '1.1.4-0ubuntu1~18.04.2+esm1' },
    source: 'USN-6619-1 (Ubuntu Pro, esm-apps/bionic)',
  },
  {
    distro: 'ubuntu',
    release: '20.04',
    component: 'runc',
    package: 'runc',
    fixes: { 'CVE-2024-21626': '1.1.7-0ubuntu1~20.04.2' },
    source: 'USN-6619-1',
  },
  {
    distro: 'ubuntu',
    release: '22.04',
    component: 'runc',
    package: 'runc',
    fixes: { 'CVE-2024-21626': '1.1.7-0ubuntu1~22.04.2' },
    source: 'USN-6619-1',
  },
];

/** Debian's "+debNuM" stable-update suffix names the release by number. */
export const DEBIAN_CODENAMES: Readonly<Record<string, string>> = { '10': 'buster', '11': 'bullseye', '12': 'bookworm', '13': 'trixie' };
