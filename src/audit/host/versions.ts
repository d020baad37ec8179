import semver from 'semver';
import { VULNERABLE_RANGES, type Component, type VulnerableRange } from './vulnerable-versions.js';

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
