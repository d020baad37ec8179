import { describe, expect, it } from 'vitest';
import { chooseUser, toCreateOptions, type RenderedPlan } from '../../src/runtime/create-options.js';
import { toDockerRunArgv, shellQuote } from '../../src/runtime/docker-argv.js';
import { preflight, type PreflightHost } from '../../src/runtime/preflight.js';
import { buildRunRequest, type RunFlags } from '../../src/runtime/request.js';
import { servicePlan, untrustedPlan } from './plans.js';

const identityHost: PreflightHost = { realpath: (p) => p, isSocket: () => false };
const seccomp = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
const rendered: RenderedPlan = { planHash: 'abc123', seccompProfile: seccomp, user: '65534:65534', toolVersion: '0.1.0' };

function build(plan = untrustedPlan(), flags: RunFlags = {}, command: string[] = [], extra: Partial<RenderedPlan> = {}) {
  const request = buildRunRequest('img:1', command, flags, { cwd: '/work', env: { TOKEN: 'from-env' } });
  const effective = preflight(plan, request, identityHost);
  return { options: toCreateOptions(effective, request, { ...rendered, ...extra }), effective, request };
}

describe('-i and -t in the create body and the docker argv', () => {
  it.each<[string, RunFlags, { Tty: boolean; OpenStdin: boolean; StdinOnce: boolean; AttachStdin: boolean }, string[]]>([
    ['neither', {}, { Tty: false, OpenStdin: false, StdinOnce: false, AttachStdin: false }, []],
    ['-i', { interactive: true }, { Tty: false, OpenStdin: true, StdinOnce: true, AttachStdin: true }, ['--interactive']],
    ['-t', { tty: true }, { Tty: true, OpenStdin: false, StdinOnce: false, AttachStdin: false }, ['--tty']],
    ['-it', { interactive: true, tty: true }, { Tty: true, OpenStdin: true, StdinOnce: true, AttachStdin: true }, ['--interactive', '--tty']],
    // detached: stdin stays open for a later attach, ours is not streamed
    ['-di', { interactive: true, detach: true }, { Tty: false, OpenStdin: true, StdinOnce: false, AttachStdin: false }, ['--interactive']],
  ])('%s', (_name, flags, fields, argvFlags) => {
    const { options } = build(untrustedPlan(), flags, ['sh']);
    expect(options).toMatchObject(fields);
    const argv = toDockerRunArgv(options);
    expect(argv.filter((a) => a === '--interactive' || a === '--tty')).toEqual(argvFlags);
  });
});

describe('toCreateOptions applies the whole plan', () => {
  const { options } = build(untrustedPlan(), {}, ['sh', '-c', 'true']);
  const h = options.HostConfig ?? {};
  it.each<[string, unknown, unknown]>([
    ['Image', options.Image, 'img:1'],
    ['Cmd', options.Cmd, ['sh', '-c', 'true']],
    ['User', options.User, '65534:65534'],
    ['CapDrop', h.CapDrop, ['ALL']],
    ['CapAdd', h.CapAdd, []],
    ['ReadonlyRootfs', h.ReadonlyRootfs, true],
    ['Tmpfs', h.Tmpfs, { '/tmp': `rw,noexec,nosuid,nodev,uid=65534,gid=65534,size=${64 * 1024 * 1024}` }],
    ['Memory', h.Memory, 268435456],
    ['MemorySwap = Memory', h.MemorySwap, 268435456],
    ['NanoCpus', h.NanoCpus, 500_000_000],
    ['PidsLimit', h.PidsLimit, 64],
    ['Ulimits', h.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 1024 }, { Name: 'nproc', Soft: 64, Hard: 64 }, { Name: 'core', Soft: 0, Hard: 0 }]],
    ['SecurityOpt', h.SecurityOpt, ['no-new-privileges:true', `seccomp=${JSON.stringify(seccomp)}`]],
    ['RestartPolicy', h.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 3 }],
    ['NetworkMode', h.NetworkMode, 'none'],
    ['PidMode', h.PidMode, 'private'],
    ['IpcMode', h.IpcMode, 'private'],
    ['UTSMode', h.UTSMode, ''],
    ['Privileged', h.Privileged, false],
    ['Devices', h.Devices, []],
    ['Mounts', h.Mounts, []],
    ['AutoRemove', h.AutoRemove, false],
    ['attached', [options.AttachStdout, options.AttachStderr, options.Tty], [true, true, false]],
  ])('%s', (_name, actual, expected) => expect(actual).toEqual(expected));

  it('labels record the policy, the plan and its hash', () => {
    expect(options.Labels?.['io.bulkhead.policy']).toBe('untrusted');
    expect(options.Labels?.['io.bulkhead.plan-hash']).toBe('abc123');
    expect(options.Labels?.['io.bulkhead.version']).toBe('0.1.0');
    expect(JSON.parse(options.Labels?.['io.bulkhead.plan'] ?? '')).toEqual(untrustedPlan());
    // compact JSON: one line, no indentation
    expect(options.Labels?.['io.bulkhead.plan']).not.toMatch(/\n| {2}/);
  });
});

describe('toCreateOptions follows the request', () => {
  it('apparmor=<name> only when enforced', () => {
    expect(build(untrustedPlan(), {}, [], { appArmorProfile: 'bulkhead-untrusted' }).options.HostConfig?.SecurityOpt).toContain('apparmor=bulkhead-untrusted');
    expect(build().options.HostConfig?.SecurityOpt?.some((o: string) => o.startsWith('apparmor'))).toBe(false);
  });
  it('runtime-default seccomp sends no seccomp option', () => {
    const plan = { ...untrustedPlan(), seccomp: { mode: 'runtime-default' as const, allowGroups: [] } };
    expect(build(plan).options.HostConfig?.SecurityOpt).toEqual(['no-new-privileges:true']);
  });
  it('service: bridge, NET_BIND_SERVICE, published port bound to the plan host IP by default', () => {
    const { options } = build(servicePlan(), { publish: ['8080:80', '0.0.0.0:5353:53/udp'] });
    expect(options.HostConfig?.NetworkMode).toBe('bridge');
    expect(options.HostConfig?.CapAdd).toEqual(['NET_BIND_SERVICE']);
    expect(options.ExposedPorts).toEqual({ '80/tcp': {}, '53/udp': {} });
    expect(options.HostConfig?.PortBindings).toEqual({
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
      '53/udp': [{ HostIp: '0.0.0.0', HostPort: '5353' }],
    });
    expect(options.HostConfig?.RestartPolicy).toEqual({ Name: 'on-failure', MaximumRetryCount: 5 });
  });
  it('mounts are read-only by default, rw only when asked', () => {
    const { options } = build(servicePlan(), { volume: ['/srv/a:/a', '/srv/b:/b:rw', 'cache:/c'] });
    expect(options.HostConfig?.Mounts).toEqual([
      { Type: 'bind', Source: '/srv/a', Target: '/a', ReadOnly: true },
      { Type: 'bind', Source: '/srv/b', Target: '/b', ReadOnly: false },
      { Type: 'volume', Source: 'cache', Target: '/c', ReadOnly: true },
    ]);
  });
  it('tightening flags reach the engine options and the recorded plan', () => {
    const { options } = build(untrustedPlan(), { memory: '64m', pidsLimit: '10' });
    expect(options.HostConfig?.Memory).toBe(64 * 1024 * 1024);
    expect(options.HostConfig?.MemorySwap).toBe(64 * 1024 * 1024);
    expect(options.HostConfig?.PidsLimit).toBe(10);
    expect(JSON.parse(options.Labels?.['io.bulkhead.plan'] ?? '').resources.pidsLimit).toBe(10);
  });
  it('--rm: no restart policy, the engine removes it', () => {
    expect(build(untrustedPlan(), { rm: true }).options.HostConfig?.RestartPolicy).toEqual({ Name: 'no', MaximumRetryCount: 0 });
    expect(build(untrustedPlan(), { rm: true }).options.HostConfig?.AutoRemove).toBe(true);
    expect(build(untrustedPlan(), { rm: true, detach: true }).options.HostConfig?.AutoRemove).toBe(true);
  });
  it('name, env (bare KEY from the environment), user labels', () => {
    const { options } = build(untrustedPlan(), { name: 'box', env: ['A=1', 'TOKEN', 'UNSET'], label: ['team=x'] });
    expect(options.name).toBe('box');
    expect(options.Env).toEqual(['A=1', 'TOKEN=from-env']);
    expect(options.Labels?.team).toBe('x');
  });
});

describe('chooseUser', () => {
  it.each<[string | undefined, string | undefined, string]>([
    [undefined, undefined, '65534:65534'],
    ['', undefined, '65534:65534'],
    ['root', undefined, '65534:65534'],
    ['0', undefined, '65534:65534'],
    ['0:0', undefined, '65534:65534'],
    ['root:wheel', undefined, '65534:65534'],
    ['app', undefined, 'app'],
    ['1000:1000', undefined, '1000:1000'],
    ['root', '4242', '4242'],
    ['app', '4242:4242', '4242:4242'],
  ])('image USER %j, --user %j -> %s', (image, requested, expected) => {
    expect(chooseUser(untrustedPlan(), image, requested)).toBe(expected);
  });
});

describe('docker run argv', () => {
  it('mirrors the create options, seccomp by file, env by name only', () => {
    const { options } = build(untrustedPlan(), { env: ['SECRET=hunter2hunter2'], volume: ['/srv/a:/a'], rm: true }, ['true'], { appArmorProfile: 'bulkhead-untrusted' });
    const argv = toDockerRunArgv(options, { seccompFile: '/tmp/s.json' });
    const text = shellQuote(argv);
    expect(argv.slice(0, 2)).toEqual(['run', '--rm']);
    for (const part of [
      '--user 65534:65534', '--cap-drop ALL', '--read-only', '--tmpfs /tmp:rw,noexec,nosuid,nodev,uid=65534,gid=65534,size=67108864',
      '--memory 256m', '--memory-swap 256m', '--cpus 0.5', '--pids-limit 64', '--ulimit nofile=1024:1024',
      '--security-opt no-new-privileges:true', '--security-opt seccomp=/tmp/s.json', '--security-opt apparmor=bulkhead-untrusted',
      '--network none', '--ipc private', '--mount type=bind,source=/srv/a,target=/a,readonly',
      '--env SECRET', '--label io.bulkhead.policy=untrusted',
    ]) expect(text).toContain(part);
    expect(text).not.toContain('hunter2');
    expect(argv.slice(-2)).toEqual(['img:1', 'true']);
  });
  it('quotes for the shell only where needed', () => {
    expect(shellQuote(['sh', '-c', "echo 'hi' $X", 'a=b'])).toBe(`sh -c 'echo '\\''hi'\\'' $X' a=b`);
  });
});

describe('docker run argv without --rm', () => {
  it('keeps the restart policy and stays attached', () => {
    const argv = toDockerRunArgv(build(untrustedPlan(), {}, ['true']).options);
    expect(shellQuote(argv)).toContain('--restart on-failure:3');
    expect(argv).not.toContain('--rm');
    expect(argv).not.toContain('--detach');
  });
});
