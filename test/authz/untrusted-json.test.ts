import { describe, expect, it } from 'vitest';
import { BODY_LIMITS, parseUntrustedJson } from '../../src/authz/untrusted-json.js';

const parse = (text: string) => parseUntrustedJson(Buffer.from(text, 'utf8'));
const problem = (text: string) => {
  const r = parse(text);
  return r.ok ? undefined : r.problem;
};

describe('parseUntrustedJson: what JSON.parse cannot tell', () => {
  it.each([
    ['the same key twice', '{"a":1,"b":2,"a":3}', 'key "a" appears twice'],
    ['a repeat three keys later, in another case', '{"Image":"x","Cmd":[],"Env":[],"image":"y"}', 'key "image" appears twice'],
    ['an escaped spelling of a key', '{"Privileged":false,"Privil\\u0065ged":true}', 'key "Privileged" appears twice'],
    ['an escaped key repeated plainly', '{"\\u0041b":1,"ab":2}', 'key "ab" appears twice'],
    ['a repeat inside a nested object', '{"HostConfig":{"Binds":[],"x":{"k":1,"K":2}}}', 'key "K" appears twice'],
    ['a non-ASCII key', '{"\u017fecurityOpt":[]}', 'is not printable ASCII'],
    ['an escaped non-ASCII key', '{"\\u017fecurityOpt":[]}', 'is not printable ASCII'],
    ['too deep', `${'['.repeat(BODY_LIMITS.maxDepth + 1)}${']'.repeat(BODY_LIMITS.maxDepth + 1)}`, 'nests deeper than'],
    ['too many array items', `[${Array.from({ length: BODY_LIMITS.maxArrayItems + 1 }, () => '0').join(',')}]`, 'more than 10000 items'],
    ['too many keys', `{${Array.from({ length: BODY_LIMITS.maxObjectKeys + 1 }, (_, i) => `"k${i}":0`).join(',')}}`, 'more than 1000 keys'],
  ])('refuses %s', (_name, text, want) => {
    expect(problem(text)).toContain(want);
  });

  it.each([
    ['the same key in sibling objects of an array', '{"Mounts":[{"Type":"bind","Target":"/a"},{"Type":"bind","Target":"/b"}]}'],
    ['the same key at different depths', '{"Name":"x","HostConfig":{"Name":"y","Inner":{"Name":"z"}}}'],
    ['the same key in an object after a nested one closed', '{"a":{"b":1,"c":2},"b":3,"c":{"b":4}}'],
    ['keys of the same length that differ', '{"Cmd":[],"Env":[],"Tty":false}'],
    ['a value that repeats a key, with quotes and braces in strings', '{"a":"a","b":"{\\"a\\":1}","c":["a","a"]}'],
    ['non-ASCII in values', '{"Env":["GREETING=h\u00e9llo"]}'],
  ])('accepts %s', (_name, text) => {
    expect(parse(text)).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it('a refused body does not leak into the next scan (the levels are pooled)', () => {
    expect(problem('{"x":{"a":1,"a":2}}')).toContain('appears twice');
    expect(parse('{"x":{"a":1}}')).toMatchObject({ ok: true });
    expect(parse('{"a":1}')).toMatchObject({ ok: true });
  });
});
