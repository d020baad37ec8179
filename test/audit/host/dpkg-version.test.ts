import { describe, expect, it } from 'vitest';
import { compareDpkgVersions, parseDpkgVersion } from '../../../src/audit/host/dpkg-version.js';

// Policy §5.6.12's own examples (~~ < ~~a < ~ < "" < a) and the versions HS001 meets; every
// expected order below is what `dpkg --compare-versions` (dpkg 1.21, Debian 12) answers.
const CASES: ReadonlyArray<[string, '<' | '=' | '>', string]> = [
  ['1.0~~', '<', '1.0~~a'],
  ['1.0~~a', '<', '1.0~'],
  ['1.0~', '<', '1.0'],
  ['1.0', '<', '1.0a'],
  ['1.0~rc1', '<', '1.0'],
  ['1.0', '=', '1.0-0'],
  ['1.0', '<', '1.0.0'],
  ['1.0-1', '<', '1.0-1.1'],
  ['1.0-a', '>', '1.0-1'],
  ['1:1.0', '>', '2.0'],
  ['2:1.0', '<', '10:1.0'],
  ['0:1.0', '=', '1.0'],
  ['1.01', '=', '1.1'],
  ['1.9', '<', '1.10'],
  ['1.1.5+ds1-1', '<', '1.1.5+ds1-1+deb12u1'],
  ['1.1.5+ds1-1+deb12u1', '<', '1.1.5+ds1-1+deb12u2'],
  ['20.10.24+dfsg1-1+deb12u1', '<', '20.10.24+dfsg1-1+deb12u1+b6'],
  ['20.10.24+dfsg1-1+b1', '<', '20.10.24+dfsg1-1+deb12u1'],
  ['1.6.20~ds1-1+deb12u3', '<', '1.6.20-1'],
  ['1.0.0~rc94+ds1-2', '<', '1.0.0~rc95+ds1-1'],
  ['1.0.0~rc10+dfsg1-1', '>', '1.0.0~rc9+dfsg1-1'],
  ['1.1.7-0ubuntu1~22.04.1', '<', '1.1.7-0ubuntu1~22.04.2'],
  ['1.1.7-0ubuntu1~22.04.2', '<', '1.1.7-0ubuntu1'],
  ['1.1.4-0ubuntu1~18.04.2', '<', '1.1.4-0ubuntu1~18.04.2+esm1'],
  ['1.1.7-0ubuntu1~20.04.2', '<', '1.1.7-0ubuntu1~22.04.2'],
  ['1.0+', '<', '1.0.'],
  ['1.0a', '<', '1.0+'],
];

describe('compareDpkgVersions (Debian Policy 5.6.12)', () => {
  it.each(CASES)('%s %s %s', (a, op, b) => {
    const expected = { '<': -1, '=': 0, '>': 1 }[op];
    expect(compareDpkgVersions(a, b)).toBe(expected);
    expect(compareDpkgVersions(b, a)).toBe(-expected || 0);
  });

  it('throws on what is not a package version', () => {
    expect(() => compareDpkgVersions('abc', '1.0')).toThrow('not a Debian package version: "abc"');
  });
});

describe('parseDpkgVersion', () => {
  it.each([
    ['1.1.5+ds1-1+deb12u1', { epoch: 0, upstream: '1.1.5+ds1', revision: '1+deb12u1' }],
    ['2:1.0.0~rc93-0ubuntu1~20.04.1', { epoch: 2, upstream: '1.0.0~rc93', revision: '0ubuntu1~20.04.1' }],
    ['20.10.24+dfsg1', { epoch: 0, upstream: '20.10.24+dfsg1', revision: '' }],
    ['1.2-3-4', { epoch: 0, upstream: '1.2-3', revision: '4' }],
  ])('%s', (raw, parsed) => {
    expect(parseDpkgVersion(raw)).toEqual(parsed);
  });

  it.each(['', 'v1.0', 'x:1.0', '1.0-', '1.0 beta', 'a1b2c3d'])('"%s" is not a package version', (raw) => {
    expect(parseDpkgVersion(raw)).toBeUndefined();
  });
});
