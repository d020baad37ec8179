import { describe, expect, it } from 'vitest';
import type { BulkheadError } from '../../src/errors.js';
import { buildRunRequest, parseMount, parsePublish, parseVolume } from '../../src/runtime/request.js';
import { formatSize, parseCpus, parseSize } from '../../src/runtime/units.js';

function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect((err as BulkheadError).kind).toBe('usage');
    return (err as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('volumes and mounts', () => {
  it.each<[string, object]>([
    ['/srv/a:/a', { type: 'bind', source: '/srv/a', target: '/a', readOnly: true, readWriteRequested: false }],
    ['/srv/a/:/a:ro', { type: 'bind', source: '/srv/a', target: '/a', readOnly: true }],
    ['/srv/a:/a:rw', { type: 'bind', source: '/srv/a', target: '/a', readOnly: false, readWriteRequested: true }],
    ['./data:/d', { type: 'bind', source: '/work/data', target: '/d' }],
    ['../x/../etc:/d', { type: 'bind', source: '/etc' }],
    ['cache:/c', { type: 'volume', source: 'cache', readOnly: true }],
  ])('-v %s', (spec, expected) => expect(parseVolume(spec, '/work')).toMatchObject(expected));

  it.each<[string, object]>([
    ['type=bind,source=/srv/a,target=/a', { type: 'bind', source: '/srv/a', readOnly: true }],
    ['type=bind,src=./a,dst=/a,readonly=false', { source: '/work/a', readOnly: false, readWriteRequested: true }],
    ['type=bind,source=/a,target=/a,readonly', { readOnly: true }],
    ['type=volume,source=v,target=/v,ro=true', { type: 'volume', source: 'v', readOnly: true }],
  ])('--mount %s', (spec, expected) => expect(parseMount(spec, '/work')).toMatchObject(expected));

  it.each([
    ['-v', '/a'],
    ['-v', '/a:relative'],
    ['-v', '/a:/b:z'],
    ['--mount', 'type=tmpfs,target=/t'],
    ['--mount', 'type=bind,target=/t'],
    ['--mount', 'type=bind,source=/a,target=/t,bind-propagation=shared'],
  ])('%s %s is a usage error', (flag, spec) => {
    expect(usage(() => (flag === '-v' ? parseVolume(spec, '/') : parseMount(spec, '/')))).toContain(spec);
  });
});

describe('publish', () => {
  it.each<[string, object]>([
    ['80', { hostPort: '', containerPort: '80', protocol: 'tcp' }],
    ['8080:80', { hostPort: '8080', containerPort: '80' }],
    ['127.0.0.1:8080:80/udp', { hostIp: '127.0.0.1', hostPort: '8080', protocol: 'udp' }],
    ['[::1]:8080:80', { hostIp: '::1', hostPort: '8080', containerPort: '80' }],
  ])('-p %s', (spec, expected) => expect(parsePublish(spec)).toMatchObject(expected));
  it.each(['x:80', '8080:80/icmp', '1:2:3:4', '70000:80', 'host:1:2'])('-p %s is a usage error', (spec) => {
    expect(usage(() => parsePublish(spec))).toContain(spec);
  });
});

describe('units and flags', () => {
  it.each<[string, number]>([['64m', 64 * 1024 ** 2], ['1g', 1024 ** 3], ['512k', 512 * 1024], ['1048576', 1048576], ['128MiB', 128 * 1024 ** 2]])('%s', (text, bytes) => {
    expect(parseSize('--memory', text)).toBe(bytes);
  });
  it('rejects bad sizes, cpus and pids', () => {
    expect(usage(() => parseSize('--memory', 'lots'))).toBe('--memory lots: not a size (expected a number with an optional b, k, m or g suffix, e.g. 128m)');
    expect(usage(() => parseCpus('--cpus', '-1'))).toContain('--cpus -1');
    expect(usage(() => buildRunRequest('img', [], { pidsLimit: '0' }, { cwd: '/', env: {} }))).toContain('--pids-limit 0');
    expect(usage(() => buildRunRequest('img', [], { name: 'bad name' }, { cwd: '/', env: {} }))).toContain('--name');
    expect(usage(() => buildRunRequest('img', [], { env: ['1BAD=x'] }, { cwd: '/', env: {} }))).toContain('-e 1BAD');
  });
  it('formats sizes back', () => {
    expect(formatSize(256 * 1024 ** 2)).toBe('256m');
    expect(formatSize(1024 ** 3)).toBe('1g');
    expect(formatSize(1000)).toBe('1000b');
  });
  it.each<[string, { interactive?: boolean; tty?: boolean }, { interactive: boolean; tty: boolean }]>([
    ['neither', {}, { interactive: false, tty: false }],
    ['-i', { interactive: true }, { interactive: true, tty: false }],
    ['-t', { tty: true }, { interactive: false, tty: true }],
    ['-it', { interactive: true, tty: true }, { interactive: true, tty: true }],
  ])('%s reaches the request', (_name, flags, expected) => {
    expect(buildRunRequest('img', [], flags, { cwd: '/', env: {} })).toMatchObject(expected);
  });
  it('--no-gate, --rm, -d and namespaces reach the request', () => {
    const r = buildRunRequest('img', ['true'], { gate: false, rm: true, detach: true, pid: 'host' }, { cwd: '/', env: {} });
    expect(r).toMatchObject({ noGate: true, remove: true, detach: true, namespaces: { pid: 'host' }, command: ['true'] });
  });
});
