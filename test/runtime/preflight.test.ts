import { describe, expect, it } from 'vitest';
import { BulkheadError } from '../../src/errors.js';
import { preflight, type PreflightHost } from '../../src/runtime/preflight.js';
import { isRootUser } from '../../src/users.js';
import { buildRunRequest, type RunFlags } from '../../src/runtime/request.js';
import { servicePlan, untrustedPlan } from './plans.js';

/** A described host: symlinks and sockets by path; every other path exists as itself. */
function fakeHost(links: Record<string, string> = {}, sockets: string[] = []): PreflightHost {
  return {
    realpath: (p) => {
      for (const [from, to] of Object.entries(links)) {
        if (p === from || p.startsWith(`${from}/`)) return to + p.slice(from.length);
      }
      return p.startsWith('/missing') ? undefined : p;
    },
    isSocket: (p) => sockets.includes(p),
  };
}

const host = fakeHost({ '/srv/link-to-etc': '/etc', '/var/run': '/run', '/data/innocent': '/var/run/docker.sock' }, ['/srv/api']);

function request(flags: RunFlags) {
  return buildRunRequest('img:1', [], flags, { cwd: '/work', env: {} });
}

function refusal(plan = untrustedPlan(), flags: RunFlags, h = host): string {
  try {
    preflight(plan, request(flags), h);
  } catch (err) {
    expect(err).toBeInstanceOf(BulkheadError);
    expect((err as BulkheadError).kind).toBe('refused');
    const message = (err as BulkheadError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected a refusal');
}

describe('preflight refuses, one line each, before anything is created', () => {
  const cases: Array<[string, RunFlags, RegExp]> = [
    ['the Docker socket', { volume: ['/var/run/docker.sock:/var/run/docker.sock'] }, /socket/],
    ['any *.sock', { volume: ['/tmp/agent.sock:/agent.sock'] }, /socket/],
    ['a socket without .sock', { mount: ['type=bind,source=/srv/api,target=/api'] }, /socket/],
    ['a folder holding the Docker socket', { volume: ['/run:/host-run'] }, /Docker socket/],
    ['a symlink to the Docker socket', { volume: ['/data/innocent:/x'] }, /resolves to \/var\/run\/docker.sock|socket/],
    ['/', { volume: ['/:/host'] }, /host path \/ is denied/],
    ['/etc', { volume: ['/etc:/etc-host'] }, /\/etc may not be mounted/],
    ['under /etc', { volume: ['/etc/ssl:/ssl'] }, /\/etc may not be mounted/],
    ['/etc via ..', { volume: ['/tmp/../etc:/x'] }, /\/etc may not be mounted/],
    ['a symlink into /etc', { volume: ['/srv/link-to-etc/ssl:/x'] }, /resolves to \/etc\/ssl/],
    ['/proc', { volume: ['/proc:/p'] }, /\/proc/],
    ['/sys', { mount: ['type=bind,source=/sys,target=/s'] }, /\/sys/],
    ['/dev', { volume: ['/dev:/d'] }, /\/dev/],
    ['/boot', { volume: ['/boot:/b'] }, /\/boot/],
    ['/root', { volume: ['/root/.ssh:/k'] }, /\/root/],
    ['/var/lib/docker', { volume: ['/var/lib/docker/volumes:/v'] }, /\/var\/lib\/docker/],
    ['an ancestor of /var/lib/docker', { volume: ['/var:/v'] }, /\/var\/lib\/docker/],
    ["a policy's own denied path", { volume: ['/home/me:/me'] }, /\/home may not be mounted/],
    ['a relative path that normalises into /etc', { volume: ['../etc:/x'] }, /\/etc/],
    ['rw where the policy forbids it', { volume: ['/srv/data:/data:rw'] }, /read-only mounts only/],
    ['--mount readonly=false where the policy forbids it', { mount: ['type=bind,source=/srv/data,target=/d,readonly=false'] }, /read-only mounts only/],
    ['--privileged', { privileged: true }, /--privileged/],
    ['--network host', { network: 'host' }, /--network host/],
    ['--network container:x', { network: 'container:x' }, /network namespace/],
    ['--network bridge without networking', { network: 'bridge' }, /allows no network/],
    ['--pid host', { pid: 'host' }, /--pid host/],
    ['--ipc host', { ipc: 'host' }, /--ipc host/],
    ['--uts host', { uts: 'host' }, /--uts host/],
    ['--userns host', { userns: 'host' }, /--userns host/],
    ['--user 0', { user: '0' }, /non-root/],
    ['--user root', { user: 'root' }, /non-root/],
    ['--user 0:1000', { user: '0:1000' }, /non-root/],
    ['--cap-add outside the allowlist', { capAdd: ['SYS_ADMIN'] }, /SYS_ADMIN: not in policy untrusted's capability allowlist/],
    ['--cap-add ALL', { capAdd: ['ALL'] }, /ALL/],
    ['-p without networking', { publish: ['8080:80'] }, /does not allow publishing/],
    ['--memory above the policy', { memory: '1g' }, /--memory 1g: above policy untrusted's limit of 256m/],
    ['--cpus above the policy', { cpus: '2' }, /--cpus 2: above/],
    ['--pids-limit above the policy', { pidsLimit: '1000' }, /--pids-limit 1000: above/],
    ['an io.bulkhead.* label', { label: ['io.bulkhead.plan-hash=forged'] }, /set by bulkhead itself/],
  ];
  it.each(cases)('%s', (_name, flags, pattern) => {
    expect(refusal(untrustedPlan(), flags)).toMatch(pattern);
  });

  it('service: publishing is allowed but not with --network none', () => {
    expect(refusal(servicePlan(), { publish: ['8080:80'], network: 'none' })).toMatch(/--network none/);
  });
  it('service: capabilities outside its allowlist are still refused', () => {
    expect(refusal(servicePlan(), { capAdd: ['NET_RAW'] })).toMatch(/allowed: NET_BIND_SERVICE, CHOWN/);
  });
  it('the engine socket from DOCKER_HOST is refused too', () => {
    expect(refusal(untrustedPlan(), { volume: ['/srv/engine:/e'] }, { ...fakeHost(), engineSocket: '/srv/engine/d.sock' })).toMatch(/Docker socket/);
  });
});

describe('preflight allows, and flags tighten the plan', () => {
  it('a read-only bind mount of an ordinary folder, and a named volume', () => {
    const plan = preflight(untrustedPlan(), request({ volume: ['/srv/data:/data', 'cache:/cache'], mount: ['type=bind,source=/missing/x,target=/y'] }), host);
    expect(plan).toEqual({ ...untrustedPlan() });
  });
  it('lower limits, --network none, --read-only', () => {
    const plan = preflight(servicePlan(), request({ memory: '64m', cpus: '0.25', pidsLimit: '16', network: 'none', readOnly: true }), host);
    expect(plan.resources.memoryBytes).toBe(64 * 1024 * 1024);
    expect(plan.resources.memorySwapBytes).toBe(64 * 1024 * 1024);
    expect(plan.resources.nanoCpus).toBe(250_000_000);
    expect(plan.resources.pidsLimit).toBe(16);
    expect(plan.network.mode).toBe('none');
    expect(plan.readOnlyRootFilesystem).toBe(true);
  });
  it('a capability from the allowlist is added (names normalised)', () => {
    const plan = preflight(servicePlan(), request({ capAdd: ['cap_chown'] }), host);
    expect(plan.capabilities.add).toEqual(['NET_BIND_SERVICE', 'CHOWN']);
  });
  it('rw and -p where the policy allows them', () => {
    const plan = preflight(servicePlan(), request({ volume: ['/srv/data:/data:rw'], publish: ['8080:80'], network: 'bridge' }), host);
    expect(plan.network.mode).toBe('bridge');
  });
  it('a non-root --user, and private namespaces spelled out', () => {
    expect(() => preflight(untrustedPlan(), request({ user: '1000:1000', pid: 'private', ipc: 'private' }), host)).not.toThrow();
  });
  it('--rm records that the container is never restarted', () => {
    expect(preflight(untrustedPlan(), request({ rm: true }), host).restart).toEqual({ policy: 'no', maxRetries: 0 });
  });
  it('does not change the plan it was given', () => {
    const original = servicePlan();
    preflight(original, request({ memory: '64m', capAdd: ['CHOWN'] }), host);
    expect(original).toEqual(servicePlan());
  });
});

describe('isRootUser', () => {
  it.each([
    ['0', true], ['root', true], ['0:0', true], ['root:1000', true], ['00', true], ['', true],
    ['65534', false], ['1000:0', false], ['nobody', false], ['rooty', false],
  ])('%s -> %s', (user, expected) => expect(isRootUser(user)).toBe(expected));
});
