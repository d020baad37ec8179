import { describe, expect, it } from 'vitest';
import { SECRET_RULES, scanText } from '../../../src/audit/secrets/index.js';

/**
 * Rules with an anchor or keywordFirst have their regex tried only where one of their keywords
 * (or companions) starts. That is only sound if every match the regex can make starts there:
 * checked here on text built from the pieces that make these rules fire and nearly fire.
 */
const PIECES = [
  'password', 'PASSWORD', 'Passwd', 'secret', 'SECRET_', 'token', 'Token', 'api_key', 'api-key', 'apikey', 'APIKEY',
  'access_key', 'access-key', 'AccessKey', 'private_key', 'privateKey', 'private-key', 'credential', 'Credentials',
  '_authToken', '_auth', '_password', '_PASSWORD', '//registry.npmjs.org/:', '://', 'https://', 'user', 'admin:S3cr3tPa55@db.internal',
  '@', 'host.example.org', '=', ':', ' ', '\t', '"', "'", '\n', ';', '_', '.', '-', 'x9Kq2LmZpR7vT4wY', 'hunter22', 'Zx8!kP0q',
  '${X}', 'changeme', 'value',
];

function texts(count: number): string[] {
  let seed = 11;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  return Array.from({ length: count }, () => {
    let t = '';
    const n = 5 + Math.floor(rand() * 120);
    for (let i = 0; i < n; i++) t += PIECES[Math.floor(rand() * PIECES.length)];
    return t;
  });
}

describe('rules tried only at their keywords', () => {
  const rules = SECRET_RULES.filter((r) => r.anchor || r.keywordFirst);

  it('cover the generic, URL and .npmrc rules', () => {
    expect(rules.map((r) => r.kind).sort()).toEqual(['generic-secret', 'npmrc-auth-token', 'url-credentials']);
  });

  it('every match of their regexes starts at a keyword or companion', () => {
    let matches = 0;
    for (const text of texts(3000)) {
      const lower = text.toLowerCase();
      for (const rule of rules) {
        const words = [...rule.keywords, ...(rule.companions ?? [])];
        const re = new RegExp(rule.regex.source, rule.regex.flags);
        for (const m of text.matchAll(re)) {
          matches++;
          expect(words.some((w) => lower.startsWith(w, m.index)), `${rule.kind} at ${m.index} in ${JSON.stringify(text)}`).toBe(true);
        }
      }
    }
    expect(matches).toBeGreaterThan(1000);
  });

  it('still finds a secret after a keyword whose own match fails, in the same window', () => {
    const text = 'password = getpass(); token: x\nDB_PASSWORD=Zx8!kP0qLm\n//registry.npmjs.org/:_authToken=npm_0123456789abcdefABCDEF0123456789abcd\n';
    expect(scanText(text).map((m) => [m.kind, m.line])).toEqual([
      ['generic-secret', 2],
      ['npm-token', 3],
    ]);
  });
});
