import semver from 'semver';
import { VULNERABLE_RANGES, type Component, type VulnerableRange } from './vulnerable-versions.js';
import { DEBIAN_CODENAMES, DISTRO_FIXES, type Distro, type DistroPackageFixes } from './distro-fixes.js';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg-version.js';

export interface NormalisedVersion {
  /** semver, e.g. "1.1.5" or "1.0.0-rc.93" */
  version: string;
  /** as reported, e.g. "1.1.5+ds1" */
  raw: string;
  /** the string carries a distribution or vendor suffix (+ds1, +dfsg1, ~ds1, -1ubuntu1, -28-amd64) */
  vendorBuild: boolean;
}

/**
 * Engine components report versions semver does not read: "20.10.24+dfsg1", "18.09.2"
 * (leading zero), "1.6.20~ds1", "1.0.0-rc93", kernels "6.1.0-18-amd64". Keeps major.minor.patch
 * and an rc/beta number (as "-rc.93", so rc10 sorts after rc9), then semver.coerce checks it.
 */
export function normaliseVersion(raw: string): NormalisedVersion | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-?(rc|beta|alpha)\.?(\d+))?/i.exec(raw.trim());
  if (!m) return undefined;
  const core = `${Number(m[1])}.${Number(m[2] ?? 0)}.${Number(m[3] ?? 0)}`;
  const coerced = semver.coerce(core)?.version;
  if (!coerced) return undefined;
  const version = m[4] ? `${coerced}-${m[4].toLowerCase()}.${Number(m[5])}` : coerced;
  const rest = raw.trim().slice(m[0].length);
  return { version, raw, vendorBuild: rest.length > 0 && /[+~]|^-\d|deb|ubuntu|el\d|dfsg|ds\d/i.test(rest) };
}

export interface VersionMatch {
  entry: VulnerableRange;
  version: NormalisedVersion;
}

/** Every entry of the table whose range contains the component's version. */
export function vulnerableRangesFor(component: Component, raw: string | undefined, table: readonly VulnerableRange[] = VULNERABLE_RANGES): VersionMatch[] {
  if (!raw) return [];
  const version = normaliseVersion(raw);
  if (!version) return [];
  return table
    .filter((e) => e.component === component && semver.satisfies(version.version, e.affected, { includePrerelease: true }))
    .map((entry) => ({ entry, version }));
}

/** The host OS as /info OperatingSystem names it, for the distributions the fix table knows. */
export interface HostOs {
  distro: Distro;
  /** Debian codename ("bookworm"), Ubuntu release number ("22.04"); undefined when not named */
  release?: string;
}

/** "Debian GNU/Linux 12 (bookworm)", "Ubuntu 22.04.4 LTS"; undefined for any other OS (Docker Desktop, RHEL, ...). */
export function parseOperatingSystem(os: string | undefined): HostOs | undefined {
  if (!os) return undefined;
  const debian = /^Debian GNU\/Linux\b(?:.*\((\w+)\)|\s+(\d+))?/.exec(os);
  if (debian) return { distro: 'debian', release: debian[1] ?? (debian[2] ? DEBIAN_CODENAMES[debian[2]] : undefined) };
  const ubuntu = /^Ubuntu\b(?:\s+(\d\d\.\d\d))?/.exec(os);
  if (ubuntu) return { distro: 'ubuntu', ...(ubuntu[1] ? { release: ubuntu[1] } : {}) };
  return undefined;
}

/** Where a component's binary comes from, as far as the engine's answers tell. */
export type PackageOrigin =
  /** a plain upstream version: upstream's static binaries or Docker's own packages; upstream ranges apply as they are */
  | { kind: 'upstream' }
  /** a Debian or Ubuntu package; packageVersion is the full package version when the engine reports it */
  | { kind: 'distro'; distro: Distro; release?: string; upstream: string; packageVersion?: string }
  /** a vendor build (a suffix such as +ds1, el8, -generic) whose distribution cannot be told */
  | { kind: 'vendor' };

const REPACK_SUFFIX = /[+~](?:dfsg|ds)\d*/i;
const DISTRO_REVISION = /ubuntu|\+deb\d+u\d+/;

/**
 * Tells the origin from the version the engine reports (GET /version Components[].Version),
 * the component's commit (Details.GitCommit: Debian's runc and containerd put the full package
 * version there, "1.1.5+ds1-1+deb12u1"; Debian's engine reports its upstream commit, so only
 * "20.10.24+dfsg1") and the host OS (/info OperatingSystem). A "+dfsg"/"+ds"/"~ds" repack
 * suffix is Debian's (and Ubuntu's, which builds from Debian's sources); "-0ubuntuN" and
 * "+debNuM" revisions name the distribution and release themselves.
 */
export function packageOrigin(raw: string, commit: string | undefined, os: HostOs | undefined): PackageOrigin {
  const version = raw.trim();
  const fromCommit = commit && commit.startsWith(version) && parseDpkgVersion(commit)?.revision ? commit.trim() : undefined;
  const fromRaw = DISTRO_REVISION.test(version) && parseDpkgVersion(version)?.revision ? version : undefined;
  const packageVersion = fromCommit ?? fromRaw;
  const revision = packageVersion ? (parseDpkgVersion(packageVersion)?.revision ?? '') : '';
  const upstream = packageVersion ? (parseDpkgVersion(packageVersion)?.upstream ?? version) : version;
  const deb = /\+deb(\d+)u\d+/.exec(revision);
  const ubuntu = /ubuntu/.test(revision) ? (/~(\d\d\.\d\d)/.exec(revision)?.[1] ?? (os?.distro === 'ubuntu' ? os.release : undefined)) : undefined;
  if (deb) return { kind: 'distro', distro: 'debian', release: DEBIAN_CODENAMES[deb[1]!] ?? os?.release, upstream, packageVersion };
  if (/ubuntu/.test(revision)) return { kind: 'distro', distro: 'ubuntu', ...(ubuntu ? { release: ubuntu } : {}), upstream, packageVersion };
  if (os && (packageVersion || REPACK_SUFFIX.test(version))) {
    return { kind: 'distro', distro: os.distro, ...(os.release ? { release: os.release } : {}), upstream, ...(packageVersion ? { packageVersion } : {}) };
  }
  return normaliseVersion(version)?.vendorBuild || packageVersion ? { kind: 'vendor' } : { kind: 'upstream' };
}

/** What the distribution's packages say about one CVE that the upstream version is in range of. */
export type BackportVerdict =
  | { status: 'upstream' }
  /** the package carries the fix: no finding */
  | { status: 'fixed'; detail: string }
  /** the package is known not to carry it */
  | { status: 'affected'; detail: string }
  /** the package may carry it: reported at medium at most */
  | { status: 'uncertain'; detail: string };

const DISTRO_NAME: Record<Distro, string> = { debian: 'Debian', ubuntu: 'Ubuntu' };

function upstreamOf(packageVersion: string): string {
  return parseDpkgVersion(packageVersion)?.upstream ?? packageVersion;
}

export function backportVerdict(cve: string, component: Component, origin: PackageOrigin, table: readonly DistroPackageFixes[] = DISTRO_FIXES): BackportVerdict {
  if (origin.kind === 'upstream') return { status: 'upstream' };
  if (origin.kind === 'vendor') return { status: 'uncertain', detail: 'a vendor build whose distribution cannot be told' };
  const name = DISTRO_NAME[origin.distro];
  if (!origin.release) return { status: 'uncertain', detail: `a ${name} package of an unknown release` };
  const record = table.find((r) => r.distro === origin.distro && r.release === origin.release && r.component === component);
  const where = `${name} ${origin.release}`;
  if (!record) return { status: 'uncertain', detail: `no fix data for ${where}'s ${component} package` };
  const pkg = `${where}'s ${record.package}`;
  const installed = origin.packageVersion;
  const fixed = record.fixes[cve];
  if (fixed) {
    if (installed) {
      return compareDpkgVersions(installed, fixed) >= 0
        ? { status: 'fixed', detail: `${pkg} ${installed} carries the fix (since ${fixed}; ${record.source})` }
        : { status: 'affected', detail: `fixed in ${pkg} ${fixed}` };
    }
    const byUpstream = compareDpkgVersions(origin.upstream, upstreamOf(fixed));
    if (byUpstream > 0) return { status: 'fixed', detail: `${pkg} ${origin.upstream} is newer than the fixed ${fixed}` };
    if (byUpstream < 0) return { status: 'affected', detail: `fixed in ${pkg} ${fixed}` };
    return { status: 'uncertain', detail: `fixed in ${pkg} ${fixed}; the engine does not report the package revision (dpkg-query -W ${record.package})` };
  }
  const readThrough = record.changelogReadThrough;
  if (readThrough) {
    const notNewer = installed ? compareDpkgVersions(installed, readThrough) <= 0 : compareDpkgVersions(origin.upstream, upstreamOf(readThrough)) <= 0;
    if (notNewer) return { status: 'affected', detail: `${pkg} changelog through ${readThrough} lists no fix` };
  }
  return { status: 'uncertain', detail: `no fix recorded for ${pkg}${readThrough ? ` past ${readThrough}` : ''}` };
}
