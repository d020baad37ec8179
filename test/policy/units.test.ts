import { describe, expect, it } from 'vitest';
import { formatSize, parseCpu, parseSize } from '../../src/policy/units.js';
import { formatPath, locateLine } from '../../src/policy/yaml-locate.js';
import { canonicalJson } from '../../src/policy/hash.js';

describe('parseSize', () => {
  it.each([
    ['64k', 65536],
    ['256m', 268435456],
    ['1g', 1073741824],
    ['0', 0],
    [0, 0],
  ] as const)('%s -> %d bytes', (input, bytes) => expect(parseSize(input)).toBe(bytes));
  it.each(['256', '1.5g', '10M', '', 'm', '-1m', 12])('rejects %j', (input) => expect(() => parseSize(input)).toThrow(RangeError));
  it('round-trips through formatSize', () => expect(formatSize(parseSize('256m'))).toBe('256m'));
});

describe('parseCpu', () => {
  it.each([
    ['0.5', 500_000_000],
    [0.5, 500_000_000],
    ['500m', 500_000_000],
    ['1', 1_000_000_000],
    [2, 2_000_000_000],
    ['0.1', 100_000_000],
    ['1.25', 1_250_000_000],
    ['1m', 1_000_000],
  ] as const)('%j -> %d nano-CPUs', (input, nano) => expect(parseCpu(input)).toBe(nano));
  it.each(['0', '0m', '0.0', 'half', '-1', '1.2345', ''])('rejects %j', (input) => expect(() => parseCpu(input)).toThrow(RangeError));
});

const yaml = `# comment
apiVersion: bulkhead/v1
metadata:
  name: x
resources:
  limits:
    # memory below
    memory: 12
    cpu: "1"
tmpfs:
  - path: /tmp
    size: 64m
  - path: /run
    size: 1q
mounts:
  deniedHostPaths:
  - /etc
  - /proc
"quoted key":
  inner: 1
flow: {a: 1, b: 2}
`;

describe('locateLine', () => {
  it.each([
    [['apiVersion'], 2],
    [['metadata', 'name'], 4],
    [['resources', 'limits', 'memory'], 8],
    [['resources', 'limits', 'cpu'], 9],
    [['tmpfs', 0], 11],
    [['tmpfs', 0, 'size'], 12],
    [['tmpfs', 1, 'path'], 13],
    [['tmpfs', 1, 'size'], 14],
    [['mounts', 'deniedHostPaths', 1], 18],
    [['quoted key', 'inner'], 20],
    // deepest found: flow style resolves to its key
    [['flow', 'b'], 21],
    [['resources', 'limits', 'pids'], 6],
    [['nope'], undefined],
  ] as const)('%j is on line %s', (path, line) => expect(locateLine(yaml, path)).toBe(line));

  it('does not confuse a key with the same name in another block', () => {
    const text = 'a:\n  size: 1\nb:\n  size: 2\n';
    expect(locateLine(text, ['b', 'size'])).toBe(4);
  });

  it('formats paths the way messages show them', () => {
    expect(formatPath(['tmpfs', 0, 'size'])).toBe('tmpfs[0].size');
    expect(formatPath(['resources', 'limits', 'memory'])).toBe('resources.limits.memory');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });
});
