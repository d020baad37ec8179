import { describe, expect, it } from 'vitest';
import { vulnerableComponent } from '../../../src/audit/rules/host/vulnerable-component.js';
import { backportVerdict, packageOrigin, parseOperatingSystem } from '../../../src/audit/host/versions.js';
import { DISTRO_FIXES } from '../../../src/audit/host/distro-fixes.js';
import { VULNERABLE_RANGES } from '../../../src/audit/host/vulnerable-versions.js';
import { compareDpkgVersions, parseDpkgVersion } from '../../../src/audit/host/dpkg-version.js';
import type { HostFacts } from '../../../src/audit/host/facts.js';

const DEBIAN_12 = 'Debian GNU/Linux 12 (bookworm)';

/** HS001 reads the versions, the commits /version reports and whether an authorization plugin is configured. */
function host(versions: HostFacts['versions'], authorizationPlugins: string[] = ['opa-docker-authz']): HostFacts {
  return {
    endpoint: 'unix:///var/run/docker.sock',
    local: true,
    rootless: false,
    versions: { api: '1.41', kernel: '6.1.0', ...versions },
    confinement: { seccomp: true, apparmor: true, selinux: false, userns: false, rootless: false, cgroupVersion: '2' },
    daemon: {
      liveRestore: true,
      experimental: false,
      loggingDriver: 'json-file',
      logOpts: { 'max-size': '10m' },
      insecureRegistries: [],
      authorizationPlugins,
      icc: false,
      noNewPrivileges: true,
      userlandProxy: false,
      defaultUlimits: {},
      hosts: [],
      tlsVerify: false,
      plainTcpEndpoint: false,
      debug: false,
      iptables: true,
    },
    daemonJson: { path: '/etc/docker/daemon.json', status: 'missing' },
    swarmActive: false,
    storageDriver: 'overlay2',
    containersStopped: 0,
  };
}

/** The findings of one CVE, as [severity, message]. */
function findings(h: HostFacts, cve: string): Array<[string, string]> {
  return vulnerableComponent.check(h).filter((f) => f.message.includes(`${cve}:`)).map((f) => [f.severity ?? vulnerableComponent.meta.severity, f.message]);
}

describe('HS001 on distribution packages', () => {
  // what this Debian 12 host's engine answers in GET /version and /info
  const debianHost = {
    engine: '20.10.24+dfsg1',
    containerd: '1.6.20~ds1',
    runc: '1.1.5+ds1',
    os: DEBIAN_12,
    commits: { engine: '5d6db84', containerd: '1.6.20~ds1-1+deb12u3', runc: '1.1.5+ds1-1+deb12u1' },
  };

  it("Debian's runc 1.1.5+ds1-1+deb12u1 carries the CVE-2024-21626 backport: no finding", () => {
    expect(findings(host(debianHost), 'CVE-2024-21626')).toEqual([]);
  });

  it("Debian's runc 1.1.5+ds1-1, before the backport, is affected at high, naming the fixed package", () => {
    const [f, ...rest] = findings(host({ ...debianHost, commits: { ...debianHost.commits, runc: '1.1.5+ds1-1' } }), 'CVE-2024-21626');
    expect(rest).toEqual([]);
    expect(f?.[0]).toBe('high');
    expect(f?.[1]).toContain("runc 1.1.5+ds1-1 (Debian bookworm package) is affected by CVE-2024-21626");
    expect(f?.[1]).toContain("fixed in Debian bookworm's runc 1.1.5+ds1-1+deb12u1");
  });

  it("a CVE Debian's changelog has no fix for stays at its severity, saying how far the changelog was read", () => {
    const [f] = findings(host(debianHost), 'CVE-2025-31133');
    expect(f?.[0]).toBe('high');
    expect(f?.[1]).toContain("Debian bookworm's runc changelog through 1.1.5+ds1-1+deb12u1 lists no fix");
  });

  it('a Debian runc newer than the changelog read is uncertain: medium, with the backport caveat', () => {
    const [f] = findings(host({ ...debianHost, commits: { ...debianHost.commits, runc: '1.1.5+ds1-1+deb12u2' } }), 'CVE-2025-31133');
    expect(f?.[0]).toBe('medium');
    expect(f?.[1]).toContain('upstream version in the range; the distro may have backported the fix');
  });

  it("Debian's engine reports no package revision: CVE-2024-41110 (fixed in +deb12u1) is uncertain, at medium", () => {
    const [f] = findings(host(debianHost), 'CVE-2024-41110');
    expect(f?.[0]).toBe('medium');
    expect(f?.[1]).toMatch(/Docker Engine 20\.10\.24\+dfsg1 \(Debian bookworm package\) .*upstream version in the range; the distro may have backported the fix: fixed in Debian bookworm's docker\.io 20\.10\.24\+dfsg1-1\+deb12u1; the engine does not report the package revision/);
  });

  it('and without an authorization plugin it is low, as upstream', () => {
    expect(findings(host(debianHost, []), 'CVE-2024-41110').map(([s]) => s)).toEqual(['low']);
  });

  it('an older Debian engine upstream than the fixed package is affected at its severity', () => {
    const [f] = findings(host({ ...debianHost, engine: '20.10.21+dfsg1' }), 'CVE-2024-41110');
    expect(f?.[0]).toBe('critical');
    expect(f?.[1]).toContain("fixed in Debian bookworm's docker.io 20.10.24+dfsg1-1+deb12u1");
  });

  it.each([
    ['1.1.7-0ubuntu1~22.04.2', 'Ubuntu 22.04.4 LTS', []],
    ['1.1.7-0ubuntu1~22.04.1', 'Ubuntu 22.04.4 LTS', ['high']],
    ['1.1.7-0ubuntu1~20.04.2', 'Ubuntu 20.04.6 LTS', []],
    ['1.1.4-0ubuntu1~18.04.2', 'Ubuntu 18.04.6 LTS', ['high']],
    ['1.1.4-0ubuntu1~18.04.2+esm1', 'Ubuntu 18.04.6 LTS', []],
  ])('Ubuntu runc %s on %s: CVE-2024-21626 %j', (runc, os, severities) => {
    expect(findings(host({ runc, os }), 'CVE-2024-21626').map(([s]) => s)).toEqual(severities);
  });

  it('an Ubuntu release the table has no data for is uncertain, at medium', () => {
    const [f] = findings(host({ runc: '1.1.7-0ubuntu1~23.10.1', os: 'Ubuntu 23.10' }), 'CVE-2024-21626');
    expect(f?.[0]).toBe('medium');
    expect(f?.[1]).toContain('no fix data for Ubuntu 23.10');
  });

  it('upstream static binaries are compared upstream, at full severity', () => {
    const h = host({ engine: '24.0.7', runc: '1.1.11', containerd: '1.6.20', os: DEBIAN_12, commits: { engine: '311b9ff', runc: 'v1.1.11-0-g4bccb38', containerd: '1e1ea6e986c6c86565bc33d52e34b81b3e2bc71f' } });
    const [f] = findings(h, 'CVE-2024-21626');
    expect(f?.[0]).toBe('high');
    expect(f?.[1]).not.toMatch(/backported|Debian/);
    expect(findings(h, 'CVE-2024-41110').map(([s]) => s)).toEqual(['critical']);
  });

  it('a vendor build on an unknown distribution is uncertain, at medium', () => {
    const [f] = findings(host({ runc: '1.1.5+ds1', os: 'Fedora Linux 39 (Server Edition)' }), 'CVE-2024-21626');
    expect(f?.[0]).toBe('medium');
    expect(f?.[1]).toContain('upstream version in the range; the distro may have backported the fix: a vendor build whose distribution cannot be told');
  });
});

describe('packageOrigin', () => {
  const debian = parseOperatingSystem(DEBIAN_12);
  it.each([
    ['runc', '1.1.5+ds1', '1.1.5+ds1-1+deb12u1', debian, { kind: 'distro', distro: 'debian', release: 'bookworm', upstream: '1.1.5+ds1', packageVersion: '1.1.5+ds1-1+deb12u1' }],
    ['containerd', '1.6.20~ds1', '1.6.20~ds1-1+deb12u3', undefined, { kind: 'distro', distro: 'debian', release: 'bookworm', upstream: '1.6.20~ds1', packageVersion: '1.6.20~ds1-1+deb12u3' }],
    ['engine', '20.10.24+dfsg1', '5d6db84', debian, { kind: 'distro', distro: 'debian', release: 'bookworm', upstream: '20.10.24+dfsg1' }],
    ['runc', '1.1.7-0ubuntu1~22.04.2', undefined, undefined, { kind: 'distro', distro: 'ubuntu', release: '22.04', upstream: '1.1.7', packageVersion: '1.1.7-0ubuntu1~22.04.2' }],
    ['engine', '24.0.7', '24.0.7-0ubuntu2~22.04.1', parseOperatingSystem('Ubuntu 22.04.4 LTS'), { kind: 'distro', distro: 'ubuntu', release: '22.04', upstream: '24.0.7', packageVersion: '24.0.7-0ubuntu2~22.04.1' }],
    ['engine', '24.0.7', '311b9ff', debian, { kind: 'upstream' }],
    ['runc', '1.0.0-rc93', 'v1.0.0-rc93-0-g12644e61', debian, { kind: 'upstream' }],
    ['runc', '1.1.5+ds1', undefined, undefined, { kind: 'vendor' }],
    ['kernel', '6.1.0-18-amd64', undefined, debian, { kind: 'vendor' }],
  ] as const)('%s %s (commit %s)', (_component, raw, commit, os, origin) => {
    expect(packageOrigin(raw, commit, os)).toEqual(origin);
  });

  it.each([
    [DEBIAN_12, { distro: 'debian', release: 'bookworm' }],
    ['Debian GNU/Linux 11', { distro: 'debian', release: 'bullseye' }],
    ['Debian GNU/Linux trixie/sid', { distro: 'debian', release: undefined }],
    ['Ubuntu 22.04.4 LTS', { distro: 'ubuntu', release: '22.04' }],
    ['Docker Desktop', undefined],
    ['Red Hat Enterprise Linux 9.3 (Plow)', undefined],
    [undefined, undefined],
  ])('OperatingSystem %s', (os, parsed) => {
    expect(parseOperatingSystem(os)).toEqual(parsed);
  });
});

describe('the distribution fix table', () => {
  it('cites only CVEs of the upstream range table, for the same component, with valid package versions', () => {
    for (const r of DISTRO_FIXES) {
      for (const [cve, fixed] of Object.entries(r.fixes)) {
        expect(VULNERABLE_RANGES.some((e) => e.id === cve && e.component === r.component), `${r.distro} ${r.release} ${cve}`).toBe(true);
        expect(parseDpkgVersion(fixed)?.revision, fixed).toBeTruthy();
        if (r.changelogReadThrough) expect(compareDpkgVersions(fixed, r.changelogReadThrough)).toBeLessThanOrEqual(0);
      }
      expect(r.source).not.toBe('');
    }
  });

  it('a release with no record is uncertain, never fixed', () => {
    expect(backportVerdict('CVE-2024-21626', 'runc', { kind: 'distro', distro: 'debian', release: 'bullseye', upstream: '1.0.0~rc93+ds1', packageVersion: '1.0.0~rc93+ds1-5+deb11u2' })).toEqual({
      status: 'uncertain',
      detail: "no fix data for Debian bullseye's runc package",
    });
  });
});
