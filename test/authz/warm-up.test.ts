import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { PRIVILEGED_SAMPLE, WARM_UP_REQUESTS, warmUpPayloads } from '../../src/authz/data/warm-up-requests.js';
import { warmUp } from '../../src/authz/warm-up.js';
import { loadPolicy } from '../../src/policy/load.js';
import { runCli } from '../helpers/cli.js';

const engine = { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' };
const warmUpDirs = () => readdirSync(tmpdir()).filter((f) => f.startsWith('bulkhead-authz-warm-up-'));

describe('authz warm-up', () => {
  it('sends every sample through a private server and answers as the policy decides', async () => {
    const policy = await loadPolicy('untrusted');
    const before = warmUpDirs();
    const r = await warmUp({ mode: 'enforce', context: () => ({ policy, engine, now: new Date() }) }, 50);
    expect(r.decisions).toBe(50);
    // compliant create allowed; privileged with the engine socket denied; GET, start and exec allowed
    expect(r.answers.map((a) => a.Allow)).toEqual([true, false, true, true, true]);
    expect(r.answers[PRIVILEGED_SAMPLE]!.Msg).toMatch(/CT001 .*fix: /);
    // its socket directory is gone
    expect(warmUpDirs()).toEqual(before);
  });

  it('answers in enforce terms even for a policy that admits the privileged sample', async () => {
    const policy = await loadPolicy('untrusted');
    const permissive = { ...policy, policy: { ...policy.policy, authz: { ...policy.policy.authz, exemptions: [{ reason: 'test', until: '2999-01-01', name: 'warm-up' }] } } };
    const r = await warmUp({ mode: 'enforce', context: () => ({ policy: permissive, engine, now: new Date() }) }, WARM_UP_REQUESTS.length);
    expect(r.answers[PRIVILEGED_SAMPLE]!.Allow).toBe(true);
  });

  it('stops when aborted', async () => {
    const policy = await loadPolicy('untrusted');
    const stop = new AbortController();
    const running = warmUp({ mode: 'enforce', context: () => ({ policy, engine, now: new Date() }) }, 1_000_000, stop.signal);
    setTimeout(() => stop.abort(), 200);
    const r = await running;
    expect(r.decisions).toBeGreaterThan(0);
    expect(r.decisions).toBeLessThan(1_000_000);
  });

  it('the payloads are AuthZReq bodies as dockerd sends them (base64 request body, moby field names)', () => {
    const [create] = warmUpPayloads().map((b) => JSON.parse(b.toString('utf8')) as Record<string, string>);
    expect(create).toMatchObject({ RequestMethod: 'POST', RequestUri: '/v1.41/containers/create?name=warm-up' });
    expect(JSON.parse(Buffer.from(create!.RequestBody!, 'base64').toString('utf8'))).toMatchObject({ Image: 'warm-up.invalid/image:1', User: '65534:65534' });
  });

  it('serve refuses a --warm-up that is not a count', async () => {
    const r = await runCli(['authz', 'serve', '--policy', 'untrusted', '--socket', '/tmp/never.sock', '--log', '-', '--warm-up', 'lots']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--warm-up lots: expected a number of requests (0 for none)');
  });
});
