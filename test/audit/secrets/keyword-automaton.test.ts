import { describe, expect, it } from 'vitest';
import { compileKeywords } from '../../../src/audit/secrets/keyword-automaton.js';
import { scanBytes, scanText } from '../../../src/audit/secrets/index.js';
import { FAKE } from './fixtures.js';

describe('compileKeywords', () => {
  const ac = compileKeywords(['password', '_password', 'ghp_', 'eyj']);
  const named = (m: Map<number, number[]>) => Object.fromEntries([...m].map(([id, ends]) => [ac.keywords[id], ends]));

  it('finds every keyword, overlapping ones too, case-insensitively, with end offsets', () => {
    expect(named(ac.positions('DB_PASSWORD=x ghp_1 EyJ', 10))).toEqual({ password: [11], _password: [11], ghp_: [18], eyj: [23] });
  });
  it('gives the same offsets for bytes and their latin1 string', () => {
    const text = 'a password\nb _password c ghp_ eyJ';
    expect(named(ac.positions(Buffer.from(text, 'latin1'), 10))).toEqual(named(ac.positions(text, 10)));
  });
  it('keeps at most cap + 1 positions per keyword', () => {
    expect(ac.positions('eyj '.repeat(100), 5).get(3)).toHaveLength(6);
  });
  it('finds nothing in text without keywords', () => {
    expect(ac.positions('lorem ipsum dolor sit amet', 10).size).toBe(0);
  });
});

describe('windowed rule matching', () => {
  it('finds a token among thousands of keyword hits, as bytes and as text, identically', () => {
    const noise = 'const password = getpass(); // token secret\n'.repeat(5000);
    const text = `${noise}GH=${FAKE.github}\n${noise}`;
    const fromText = scanText(text).map((m) => [m.kind, m.line, m.redacted]);
    expect(fromText).toEqual([['github-token', 5001, expect.any(String)]]);
    expect(scanBytes(Buffer.from(text, 'latin1'), { lines: true }).map((m) => [m.kind, m.line, m.redacted])).toEqual(fromText);
  });
});
