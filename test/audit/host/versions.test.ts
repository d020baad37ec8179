import { describe, expect, it } from 'vitest';
import { normaliseVersion, vulnerableRangesFor } from '../../../src/audit/host/versions.js';
import { VULNERABLE_RANGES } from '../../../src/audit/host/vulnerable-versions.js';
import semver from 'semver';

describe('normaliseVersion', () => {
  it.each([
    ['20.10.24+dfsg1', '20.10.24', true],
    ['1.1.5+ds1', '1.1.5', true],
    ['1.1.5+ds1-1+deb12u1', '1.1.5', true],
    ['1.6.20~ds1', '1.6.20', true],
    ['18.09.2', '18.9.2', false],
    ['1.0.0-rc93', '1.0.0-rc.93', false],
    ['1.0.0-rc6', '1.0.0-rc.6', false],
    ['v1.7.13', '1.7.13', false],
    ['27.1.1', '27.1.1', false],
    ['6.1.0-18-amd64', '6.1.0', true],
  ])('%s -> %s (vendor build: %s)', (raw, version, vendor) => {
    expect(normaliseVersion(raw)).toEqual({ raw, version, vendorBuild: vendor });
  });

  it('returns undefined for what is not a version', () => {
    expect(normaliseVersion('unknown')).toBeUndefined();
  });
});

describe('vulnerable ranges', () => {
  const ids = (component: Parameters<typeof vulnerableRangesFor>[0], v: string) => vulnerableRangesFor(component, v).map((m) => m.entry.id);

  it('every range in the table is a valid semver range', () => {
    for (const e of VULNERABLE_RANGES) expect(semver.validRange(e.affected, { includePrerelease: true }), `${e.id} ${e.affected}`).not.toBeNull();
  });

  it.each([
    ['runc', '1.1.5+ds1', 'CVE-2024-21626', true],
    ['runc', '1.1.11', 'CVE-2024-21626', true],
    ['runc', '1.1.12', 'CVE-2024-21626', false],
    ['runc', '1.0.0-rc92', 'CVE-2024-21626', false],
    ['runc', '1.0.0-rc93', 'CVE-2024-21626', true],
    ['runc', '1.0.0-rc5', 'CVE-2019-5736', true],
    ['runc', '1.0.0-rc10', 'CVE-2019-5736', false],
    ['runc', '1.0.0-rc94', 'CVE-2021-30465', true],
    ['runc', '1.2.8', 'CVE-2025-31133', false],
    ['runc', '1.3.2', 'CVE-2025-31133', true],
    ['engine', '18.09.1', 'CVE-2019-5736', true],
    ['engine', '18.09.2', 'CVE-2019-5736', false],
    ['engine', '20.10.24+dfsg1', 'CVE-2024-41110', true],
    ['engine', '26.1.4', 'CVE-2024-41110', true],
    ['engine', '26.1.5', 'CVE-2024-41110', false],
    ['engine', '27.1.1', 'CVE-2024-41110', false],
    ['engine', '20.10.8', 'CVE-2021-41091', true],
    ['containerd', '1.4.2', 'CVE-2020-15257', true],
    ['containerd', '1.4.3', 'CVE-2020-15257', false],
    ['kernel', '5.10.101-1', 'CVE-2022-0847', true],
    ['kernel', '5.10.102', 'CVE-2022-0847', false],
    ['kernel', '6.18.44-fc-v595', 'CVE-2022-0847', false],
  ] as const)('%s %s: %s %s', (component, version, id, affected) => {
    expect(ids(component, version).includes(id)).toBe(affected);
  });
});
