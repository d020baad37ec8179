import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DockerApiError, type ContainerCreateOptions, type EngineClient } from '../../src/engine/client.js';
import { BulkheadError } from '../../src/errors.js';
import type { HardeningPlan } from '../../src/policy/plan.js';
import { buildRunRequest, type RunFlags } from '../../src/runtime/request.js';
import { runContainer, startFailureExitCode, type PolicyServices, type RunDeps } from '../../src/runtime/run.js';
import { untrustedPlan } from './plans.js';

/** An engine that records calls; each behaviour can be overridden per test. */
function fakeEngine(overrides: Partial<EngineClient> = {}): EngineClient & { calls: string[]; created: ContainerCreateOptions[] } {
  const calls: string[] = [];
  const created: ContainerCreateOptions[] = [];
  const engine = {
    endpoint: 'unix:///fake.sock',
    calls,
    created,
    inspectImage: async () => ({ Id: 'sha256:image', Config: { User: '' } }),
    createContainer: async (o: ContainerCreateOptions) => {
      created.push(o);
      calls.push('create');
      return { id: 'c1', warnings: [] };
    },
    inspectContainer: async () => ({ Image: 'sha256:image' }),
    attachContainer: async () => {
      calls.push('attach');
      return { done: Promise.resolve() };
    },
    startContainer: async () => void calls.push('start'),
    waitContainer: async (_id: string, condition?: string) => {
      calls.push(`wait ${condition}`);
      return { StatusCode: 3 };
    },
    killContainer: async (_id: string, sig?: string) => void calls.push(`kill ${sig}`),
    removeContainer: async () => void calls.push('remove'),
    ...overrides,
  };
  return engine as unknown as EngineClient & { calls: string[]; created: ContainerCreateOptions[] };
}

const policy = (plan: HardeningPlan = untrustedPlan()): PolicyServices => ({
  loadPolicy: async () => ({ name: plan.policyName, source: 'test', plan }),
  planHash: () => 'hash',
  toSeccompProfile: () => ({ defaultAction: 'SCMP_ACT_ERRNO' }),
  toAppArmorProfile: () => 'profile x {}',
});

async function run(flags: RunFlags, engine: EngineClient, extra: Partial<RunDeps> = {}) {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const request = buildRunRequest('img:1', ['true'], flags, { cwd: '/', env: {} });
  const deps: RunDeps = {
    policy: policy(),
    connectEngine: async () => engine,
    appArmor: { unavailableReason: () => 'absent', load: async () => undefined },
    toolVersion: 'test',
    ...extra,
  };
  const code = await runContainer(request, { cwd: '/' }, { stdout: out, stderr: err, env: {} }, deps).catch((e: unknown) => e);
  return { code, stdout, stderr };
}

describe('runContainer flow (fake engine)', () => {
  describe('a policy that asks for gVisor', () => {
    const sandboxPlan = (mode: 'required' | 'preferred'): HardeningPlan => ({ ...untrustedPlan(), policyName: 'p', sandbox: { runtime: 'gvisor', mode } });
    const RUNSC = { DefaultRuntime: 'runc', Runtimes: { runc: { path: 'runc' }, runsc: { path: '/usr/bin/runsc', runtimeArgs: ['--oci-seccomp'] } } };
    const RUNC_ONLY = { DefaultRuntime: 'runc', Runtimes: { runc: { path: 'runc' } } };
    function counted(plan: HardeningPlan) {
      const profiles: Array<{ gvisor?: boolean }> = [];
      const services: PolicyServices = { ...policy(plan), toSeccompProfile: (_p, o) => (profiles.push(o ?? {}), { defaultAction: 'SCMP_ACT_ERRNO', gvisor: o?.gvisor === true }) };
      return { services, profiles };
    }
    it('reads the runtimes once, before the create, and keeps the profile prepared for gVisor', async () => {
      const { services, profiles } = counted(sandboxPlan('required'));
      const engine = fakeEngine({ info: async () => (engine.calls.push('info'), RUNSC) });
      const r = await run({ rm: true }, engine, { policy: services });
      expect(r.code).toBe(3);
      expect(engine.calls.slice(0, 2)).toEqual(['info', 'create']);
      expect(engine.calls.filter((c) => c === 'info')).toHaveLength(1);
      expect(engine.created[0]?.HostConfig?.Runtime).toBe('runsc');
      expect(profiles).toEqual([{ gvisor: true }]);
    });
    it('preferred on an engine without runsc: runc, with the profile made again for runc', async () => {
      const { services, profiles } = counted(sandboxPlan('preferred'));
      const engine = fakeEngine({ info: async () => RUNC_ONLY });
      const r = await run({ rm: true }, engine, { policy: services });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('running without gVisor');
      expect(engine.created[0]?.HostConfig?.Runtime).toBeUndefined();
      expect(profiles).toEqual([{ gvisor: true }, {}]);
      const seccomp = (engine.created[0]?.HostConfig?.SecurityOpt ?? []).find((o: string) => o.startsWith('seccomp='));
      expect(JSON.parse(seccomp!.slice('seccomp='.length))).toMatchObject({ gvisor: false });
    });
    it('required on an engine without runsc: refused, nothing created', async () => {
      const { services } = counted(sandboxPlan('required'));
      const engine = fakeEngine({ info: async () => RUNC_ONLY });
      const r = await run({ rm: true }, engine, { policy: services });
      expect((r.code as BulkheadError).kind).toBe('refused');
      expect(engine.created).toEqual([]);
    });
  });

  it('create -> attach -> start -> wait, and the exit code passes through', async () => {
    const engine = fakeEngine();
    const r = await run({}, engine);
    expect(r.code).toBe(3);
    expect(engine.calls).toEqual(['create', 'attach', 'start', 'wait not-running']);
    expect(engine.created[0]?.User).toBe('65534:65534');
  });
  it('--rm: the removal wait is asked before start (AutoRemove)', async () => {
    const engine = fakeEngine();
    await run({ rm: true }, engine);
    expect(engine.calls).toEqual(['create', 'attach', 'wait removed', 'start']);
    expect(engine.created[0]?.HostConfig?.AutoRemove).toBe(true);
  });
  it('-d prints the id and does not wait', async () => {
    const engine = fakeEngine();
    const r = await run({ detach: true }, engine);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('c1\n');
    expect(engine.calls).toEqual(['create', 'start']);
  });
  it.each<[string, number]>([
    ['OCI runtime create failed: exec: "nope": executable file not found in $PATH: unknown', 127],
    ['OCI runtime create failed: exec: "/x": stat /x: no such file or directory: unknown', 127],
    ['OCI runtime create failed: exec: "/etc/passwd": permission denied: unknown', 126],
  ])('start error %s -> %i', async (message, code) => {
    expect(startFailureExitCode(message)).toBe(code);
    const engine = fakeEngine({ startContainer: async () => Promise.reject(new DockerApiError('start container c1', 400, `start container c1: ${message} (HTTP 400)`)) });
    const r = await run({ rm: true }, engine);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(message);
    expect(engine.calls).toContain('remove');
  });
  it('other start errors are engine failures (125 via the CLI)', async () => {
    const engine = fakeEngine({ startContainer: async () => Promise.reject(new DockerApiError('start container c1', 500, 'driver failed')) });
    const r = await run({}, engine);
    expect(r.code).toBeInstanceOf(BulkheadError);
    expect((r.code as BulkheadError).kind).toBe('engine');
  });
  it('a refusal wins over an engine that is down, and nothing is created', async () => {
    const engine = fakeEngine();
    const r = await run({ privileged: true }, engine, { connectEngine: async () => Promise.reject(new DockerApiError('version', undefined, 'cannot reach the Docker engine')) });
    expect((r.code as BulkheadError).kind).toBe('refused');
    expect(engine.calls).toEqual([]);
  });
  it('with --pull never an unknown image is not-found (119 via the CLI), never pulled', async () => {
    const engine = fakeEngine({
      inspectImage: async () => Promise.reject(new DockerApiError('inspect image img:1', 404, 'No such image: img:1')),
      pullImage: async () => void engine.calls.push('pull'),
    });
    const r = await run({ pull: 'never' }, engine);
    expect((r.code as BulkheadError).kind).toBe('not-found');
    expect((r.code as BulkheadError).message).toBe('image img:1 is not in the engine at unix:///fake.sock (--pull never: pull or build it first)');
    expect(engine.calls).toEqual([]);
  });
  it('by default (--pull missing) an unknown image is pulled, then inspected again, before create', async () => {
    let pulled = false;
    const engine = fakeEngine({
      inspectImage: async () => (pulled ? ({ Id: 'sha256:image', Config: { User: '' } }) as never : Promise.reject(new DockerApiError('inspect image img:1', 404, 'No such image: img:1'))),
      pullImage: async () => {
        pulled = true;
        engine.calls.push('pull');
      },
    });
    const r = await run({}, engine);
    expect(r.code).toBe(3);
    expect(engine.calls.slice(0, 2)).toEqual(['pull', 'create']);
  });
  it('a tag that moved between the gate and create: refused, container removed, never started', async () => {
    const engine = fakeEngine({ inspectContainer: async () => ({ Image: 'sha256:other' }) as never });
    const r = await run({}, engine, { imageGate: { audit: async () => ({}), verdict: () => ({ refused: false, summary: [] }) }, policy: policy({ ...untrustedPlan(), gate: { ...untrustedPlan().gate, enabled: true } }) });
    expect((r.code as BulkheadError).kind).toBe('gate');
    expect((r.code as BulkheadError).message).toMatch(/changed while it was being audited/);
    expect(engine.calls).toContain('remove');
    expect(engine.calls).not.toContain('start');
  });
  it('the image keeps its own non-root USER', async () => {
    const engine = fakeEngine({ inspectImage: async () => ({ Id: 'sha256:image', Config: { User: 'app' } }) as never });
    await run({}, engine);
    expect(engine.created[0]?.User).toBe('app');
  });
});

describe('runContainer when the engine loses the container', () => {
  it('a removal wait that finds no container is an engine failure, not "image not found"', async () => {
    const engine = fakeEngine({
      waitContainer: async () => Promise.reject(new DockerApiError('wait container c1', 404, 'No such container: c1')),
    });
    const r = await run({ rm: true }, engine);
    expect((r.code as BulkheadError).kind).toBe('engine');
    expect((r.code as BulkheadError).message).toBe('container c1 was removed before its exit code could be read');
  });
});
