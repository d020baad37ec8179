import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BulkheadError } from '../../src/errors.js';
import { toCreateOptions } from '../../src/runtime/create-options.js';
import { toDockerRunArgv } from '../../src/runtime/docker-argv.js';
import { preflight, type PreflightHost } from '../../src/runtime/preflight.js';
import { readOnlyAdvice, readOnlyWriteIn } from '../../src/runtime/read-only-hint.js';
import { buildRunRequest, parseDuration, parseTmpfs, type RunFlags } from '../../src/runtime/request.js';
import { servicePlan, untrustedPlan } from './plans.js';

const host: PreflightHost = { realpath: (p) => p, isSocket: () => false };
const scratch = mkdtempSync(join(tmpdir(), 'bulkhead-flags-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function request(flags: RunFlags, env: Record<string, string> = {}) {
  return buildRunRequest('img:1', [], flags, { cwd: scratch, env });
}
function usageError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BulkheadError);
    return `${(err as BulkheadError).kind}: ${(err as Error).message}`;
  }
  throw new Error('expected an error');
}
function created(flags: RunFlags, plan = untrustedPlan(), user = '65534:65534') {
  const req = request(flags);
  const p = preflight(plan, req, host);
  return toCreateOptions(p, req, { planHash: 'h', user, toolVersion: '0' });
}

describe('--tmpfs', () => {
  it.each([
    ['/var/lib/nginx', { path: '/var/lib/nginx' }],
    ['/run/:size=1m,mode=1777', { path: '/run', sizeBytes: 1024 * 1024, mode: '1777' }],
  ])('%s parses', (spec, expected) => {
    expect(parseTmpfs(spec)).toEqual({ ...expected, spec });
  });
  it.each([
    ['relative', 'var/lib'],
    ['over /', '/'],
    ['over /proc', '/proc/sys'],
    ['over /dev', '/dev'],
    ['exec from a flag', '/work:exec'],
    ['suid from a flag', '/work:suid'],
    ['a foreign owner', '/work:uid=0'],
    ['a bad mode', '/work:mode=999'],
    ['an unknown option', '/work:foo=1'],
  ])('refuses %s', (_what, spec) => {
    expect(usageError(() => parseTmpfs(spec))).toMatch(/^usage: --tmpfs/);
  });
  it('is noexec,nosuid,nodev, owned by the run\'s uid:gid, 64m by default', () => {
    const o = created({ tmpfs: ['/var/lib/nginx'] });
    expect(o.HostConfig?.Tmpfs?.['/var/lib/nginx']).toBe('noexec,nosuid,nodev,uid=65534,gid=65534,size=67108864');
    // the policy's own /tmp gets the same owner
    expect(o.HostConfig?.Tmpfs?.['/tmp']).toMatch(/noexec,nosuid,nodev,uid=65534,gid=65534,size=67108864$/);
  });
  it('an image\'s numeric USER owns them; a named one is left to the runtime', () => {
    expect(created({ tmpfs: ['/x'] }, untrustedPlan(), '1000').HostConfig?.Tmpfs?.['/x']).toBe('noexec,nosuid,nodev,uid=1000,size=67108864');
    expect(created({ tmpfs: ['/x'] }, untrustedPlan(), 'www-data').HostConfig?.Tmpfs?.['/x']).toBe('noexec,nosuid,nodev,size=67108864');
  });
  it('may shrink a policy tmpfs and set its mode, never grow it or give it exec', () => {
    const o = created({ tmpfs: ['/tmp:size=1m,mode=1777'] });
    expect(o.HostConfig?.Tmpfs?.['/tmp']).toMatch(/noexec,nosuid,nodev,mode=1777,uid=65534,gid=65534,size=1048576$/);
    expect(usageError(() => created({ tmpfs: ['/tmp:size=65m'] }))).toMatch(/^refused: .*above policy untrusted's size of 64m for \/tmp/);
  });
  it('is capped by the memory limit (its pages are memory)', () => {
    expect(usageError(() => created({ tmpfs: ['/big:size=300m'] }))).toMatch(/^refused: .*larger than the memory limit of 256m/);
    expect(usageError(() => created({ tmpfs: ['/big:size=100m'], memory: '64m' }))).toMatch(/memory limit of 64m/);
  });
  it('a path given twice, or also a mount target, is a usage error', () => {
    expect(usageError(() => created({ tmpfs: ['/a', '/a/'] }))).toMatch(/given twice/);
    expect(usageError(() => created({ tmpfs: ['/data'], volume: ['vol:/data'] }))).toMatch(/also the target of vol:\/data/);
  });
  it('is recorded in the plan the labels carry, so drift checks see it', () => {
    const o = created({ tmpfs: ['/run'] });
    const plan = JSON.parse(o.Labels?.['io.bulkhead.plan'] ?? '{}') as { tmpfs: Array<{ path: string }> };
    expect(plan.tmpfs.map((t) => t.path)).toEqual(['/tmp', '/run']);
  });
});

describe('the neutral run flags reach the create body and the docker argv', () => {
  it('all of them', () => {
    writeFileSync(join(scratch, 'app.env'), '# comment\n\nA=1\nB=two words\nFROM_HOST\nMISSING\n');
    const req = buildRunRequest('img:1', [], {
      envFile: ['app.env'], env: ['A=override'], workdir: '/srv', entrypoint: '/bin/sh', init: true, stopTimeout: '3',
      hostname: 'web1', healthCmd: 'wget -q -O- localhost', healthInterval: '5s', cidfile: 'c.id', platform: 'linux/amd64',
    }, { cwd: scratch, env: { FROM_HOST: 'h' } });
    const plan = preflight(servicePlan(), req, host);
    const o = toCreateOptions(plan, req, { planHash: 'h', user: '65534:65534', toolVersion: '0' });
    expect(o.Env).toEqual(['A=1', 'B=two words', 'FROM_HOST=h', 'A=override']);
    expect(o).toMatchObject({ WorkingDir: '/srv', Entrypoint: ['/bin/sh'], StopTimeout: 3, Hostname: 'web1', platform: 'linux/amd64', Healthcheck: { Test: ['CMD-SHELL', 'wget -q -O- localhost'], Interval: 5e9 } });
    expect(o.HostConfig?.Init).toBe(true);
    expect(req.cidfile).toBe(join(scratch, 'c.id'));
    const argv = toDockerRunArgv(o, { cidfile: req.cidfile });
    for (const pair of [['--workdir', '/srv'], ['--entrypoint', '/bin/sh'], ['--stop-timeout', '3'], ['--hostname', 'web1'], ['--health-cmd', 'wget -q -O- localhost'], ['--health-interval', '5s'], ['--platform', 'linux/amd64'], ['--cidfile', join(scratch, 'c.id')]]) {
      expect(argv.join(' ')).toContain(pair.join(' '));
    }
    expect(argv).toContain('--init');
    // the rest of the plan is untouched by them
    expect(plan).toEqual(preflight(servicePlan(), request({}), host));
  });
  it('--entrypoint "" clears the image\'s entrypoint', () => {
    expect(created({ entrypoint: '' }).Entrypoint).toEqual(['']);
  });
  it.each([
    [{ workdir: 'rel' }, /--workdir rel: must be an absolute path/],
    [{ stopTimeout: '1.5' }, /--stop-timeout 1.5: expected whole seconds/],
    [{ hostname: 'bad_name' }, /--hostname bad_name: not a valid host name/],
    [{ healthInterval: '5s' }, /--health-interval needs --health-cmd/],
    [{ healthCmd: 'true', healthInterval: 'often' }, /--health-interval often: not a duration/],
    [{ platform: 'amd64' }, /--platform amd64: expected os\/arch/],
    [{ envFile: ['missing.env'] }, /--env-file missing.env: cannot read it \(ENOENT\)/],
  ] as Array<[RunFlags, RegExp]>)('%o is a usage error', (flags, message) => {
    expect(usageError(() => request(flags))).toMatch(message);
  });
  it('an env file with a bad name says which line', () => {
    writeFileSync(join(scratch, 'bad.env'), 'OK=1\nnot valid=2\n');
    expect(usageError(() => request({ envFile: ['bad.env'] }))).toMatch(/bad.env:2: "not valid" is not a valid variable name/);
  });
  it('durations read like Go\'s', () => {
    expect(parseDuration('--x', '1m30s')).toBe(90e9);
    expect(parseDuration('--x', '500ms')).toBe(5e8);
  });
});

describe('a failure on the read-only root names the --tmpfs that would help', () => {
  it.each([
    ['2026/12/04 02:57:14 [emerg] 1#1: mkdir() "/var/lib/nginx/body" failed (30: Read-only file system)', '/var/lib/nginx/body', '/var/lib/nginx'],
    ['nginx: [emerg] open() "/run/nginx.pid" failed (30: Read-only file system)', '/run/nginx.pid', '/run'],
    ["mkdir: cannot create directory '/var/run/apache2': Read-only file system", '/var/run/apache2', '/var/run'],
    ["OSError: [Errno 30] Read-only file system: '/app/cache/x.db'", '/app/cache/x.db', '/app/cache'],
    ['touch: /srv/data/file: Read-only file system', '/srv/data/file', '/srv/data'],
  ])('%s', (line, path, dir) => {
    expect(readOnlyWriteIn(line)).toEqual({ path, dir });
  });
  it.each([
    ['touch: /file: Read-only file system'],
    ['mkdir() "/var/lib/nginx/body" failed (13: Permission denied)'],
    ['2026/12/04 read-only file system somewhere'],
  ])('no advice from %s', (line) => {
    expect(readOnlyWriteIn(line)).toBeUndefined();
  });
  it('one line, without the paths a tmpfs already covers', () => {
    const writes = [readOnlyWriteIn('mkdir() "/var/lib/nginx/body" failed (30: Read-only file system)')!, readOnlyWriteIn('open() "/tmp/x" failed (30: Read-only file system)')!];
    expect(readOnlyAdvice(writes, ['/tmp'])).toBe('the root filesystem is read-only and the container failed writing /var/lib/nginx/body: --tmpfs /var/lib/nginx would give it writable (noexec) space there');
    expect(readOnlyAdvice(writes.slice(1), ['/tmp'])).toBeUndefined();
  });
});
