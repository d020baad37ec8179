import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../src/engine/dockerode-client.js';
import { BulkheadError } from '../../src/errors.js';
import { fileGateCache, gateCacheKey, type GateCache } from '../../src/runtime/gate-cache.js';
import { buildRunRequest, type RunFlags } from '../../src/runtime/request.js';
import { runContainer, type GateVerdict, type ImageGate } from '../../src/runtime/run.js';
import { defaultImageGate, defaultPolicyServices } from '../../src/runtime/services.js';
import { runCli } from '../helpers/cli.js';
import { buildDerivedImage, docker, removeContainersLabelled, TEST_IMAGE } from '../helpers/engine.js';

const LABEL = 'bulkhead-test=runtime-gate';
const scratch = mkdtempSync(join(tmpdir(), 'bulkhead-gate-'));
const SUID_IMAGE = 'bulkhead-test/runtime-suid:1';
const HIGH_IMAGE = 'imgrules-gate-high:1';
afterAll(() => {
  removeContainersLabelled(LABEL);
  docker(['rmi', '-f', SUID_IMAGE, HIGH_IMAGE], { allowFail: true });
  rmSync(scratch, { recursive: true, force: true });
});

function memoryCache(): GateCache & { entries: Map<string, unknown> } {
  const entries = new Map<string, unknown>();
  return { entries, get: (k) => entries.get(k), set: (k, v) => void entries.set(k, v) };
}

/** A gate whose audit is a marker and whose verdict is fixed; counts audits. */
function fakeGate(verdict: GateVerdict): ImageGate & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    audit: async (_engine, ref) => {
      calls.push(ref);
      return { fake: ref };
    },
    verdict: (audit) => ((audit as { fake?: string }).fake !== undefined ? verdict : undefined),
  };
}

/** The real gate, counting the times it reads an image. */
async function countingGate(): Promise<ImageGate & { audits: string[] }> {
  const real = (await defaultImageGate())!;
  const audits: string[] = [];
  return {
    audits,
    audit: async (engine, ref) => {
      audits.push(ref);
      return real.audit(engine, ref);
    },
    verdict: (audit, gate) => real.verdict(audit, gate),
  };
}

async function run(policy: string, flags: RunFlags, imageGate: ImageGate, gateCache: GateCache, image = TEST_IMAGE) {
  const request = buildRunRequest(image, ['true'], { rm: true, label: [LABEL], ...flags }, { cwd: process.cwd(), env: {} });
  const err = new PassThrough();
  let stderr = '';
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await runContainer(request, { policy, cwd: process.cwd() }, { stdout: new PassThrough().resume(), stderr: err, env: process.env }, {
    policy: await defaultPolicyServices(),
    connectEngine,
    toolVersion: 'test',
    imageGate,
    gateCache,
  });
  return { code, stderr };
}

const imageId = () => docker(['image', 'inspect', '--format', '{{.Id}}', TEST_IMAGE]);
const containers = () => docker(['ps', '-aq', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean);

describe('the image gate in bulkhead run', () => {
  it('refuses before anything is created, with the findings as details', async () => {
    const gate = fakeGate({ refused: true, summary: ['high IMG001 /bin/su is setuid root'] });
    const err = await run('untrusted', {}, gate, memoryCache()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BulkheadError);
    expect((err as BulkheadError).kind).toBe('gate');
    expect((err as BulkheadError).message).toContain(`refused by the image gate: ${TEST_IMAGE} has findings at or above high`);
    expect((err as BulkheadError).details).toEqual(['high IMG001 /bin/su is setuid root']);
    expect(containers()).toEqual([]);
  });
  it('audits the image id, runs when it passes, and reuses the verdict for the same image', async () => {
    const gate = fakeGate({ refused: false, summary: [] });
    const cache = memoryCache();
    expect((await run('untrusted', {}, gate, cache)).code).toBe(0);
    expect((await run('untrusted', {}, gate, cache)).code).toBe(0);
    expect(gate.calls).toEqual([imageId()]);
    expect(cache.entries.size).toBe(1);
  });
  it('an audit cached under one policy answers another: no second read, each policy its own threshold', async () => {
    // a setuid-root binary that is no shell: high, so untrusted (fails on high) refuses it and
    // default (fails on critical) runs it
    buildDerivedImage(HIGH_IMAGE, "RUN printf '#!/bin/sh\\necho hi\\n' > /bin/tool && chmod 4755 /bin/tool");
    const gate = await countingGate();
    const cache = memoryCache();
    const refused = await run('untrusted', {}, gate, cache, HIGH_IMAGE).catch((e: unknown) => e);
    expect((refused as BulkheadError).kind).toBe('gate');
    expect((refused as BulkheadError).details).toEqual([expect.stringMatching(/^HIGH IM001 \/bin\/tool is setuid \(owner root:0, mode 4755\): an unknown setuid-root binary/)]);
    expect(gate.audits).toHaveLength(1);
    expect((await run('default', {}, gate, cache, HIGH_IMAGE)).code).toBe(0);
    // the second policy's verdict came from the cached audit: still one read of the image
    expect(gate.audits).toHaveLength(1);
    expect(cache.entries.size).toBe(1);
    // and the first policy's verdict is the same from the cache
    expect(((await run('untrusted', {}, gate, cache, HIGH_IMAGE).catch((e: unknown) => e)) as BulkheadError).details).toEqual((refused as BulkheadError).details);
    expect(gate.audits).toHaveLength(1);
  });
  it('a cache entry the gate cannot read (older format, damaged) is audited again and replaced', async () => {
    const gate = await countingGate();
    const cache = memoryCache();
    cache.set(gateCacheKey(imageId(), 'test'), { refused: false, summary: [] });
    expect((await run('untrusted', {}, gate, cache)).code).toBe(0);
    expect(gate.audits).toEqual([imageId()]);
    expect(cache.entries.get(gateCacheKey(imageId(), 'test'))).toMatchObject({ format: 1, target: { kind: 'image' } });
  });
  it('--no-gate skips it where the policy allows skipping (default)', async () => {
    const gate = fakeGate({ refused: true, summary: ['x'] });
    expect((await run('default', { gate: false }, gate, memoryCache())).code).toBe(0);
    expect(gate.calls).toEqual([]);
  });
  it('without an image auditor it says the image was not audited', async () => {
    const request = buildRunRequest(TEST_IMAGE, ['true'], { rm: true, label: [LABEL] }, { cwd: process.cwd(), env: {} });
    const err = new PassThrough();
    let stderr = '';
    err.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await runContainer(request, { policy: 'untrusted', cwd: process.cwd() }, { stdout: new PassThrough().resume(), stderr: err, env: process.env }, {
      policy: await defaultPolicyServices(),
      connectEngine,
      toolVersion: 'test',
    });
    expect(code).toBe(0);
    expect(stderr).toContain('the image was not audited');
  });
});

describe('the real image gate (src/audit/image/gate.ts) through the CLI', () => {
  it('refuses an image with a setuid-root binary under untrusted: exit 118, findings listed', async () => {
    buildDerivedImage(SUID_IMAGE, 'RUN chmod 4755 /bin/busybox');
    const env = { XDG_CACHE_HOME: join(scratch, 'cli-cache') };
    const r = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', SUID_IMAGE, '--', 'true'], { env });
    expect(r.code, r.stderr).toBe(118);
    expect(r.stderr).toMatch(/refused by the image gate: bulkhead-test\/runtime-suid:1 has findings at or above high \(a reviewed file is accepted by path and sha256 in the policy's gate\.setuidAllowlist or gate\.secretAllowlist\)/);
    expect(r.stderr).toMatch(/\/bin\/busybox/);
    expect(containers()).toEqual([]);
    // the audit is cached by image id: the same refusal without auditing again, and under
    // default (fails on critical) a setuid-root shell refuses too, from the same cached audit
    const cacheDir = join(scratch, 'cli-cache', 'bulkhead', 'gate');
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    const written = statSync(join(cacheDir, files[0]!)).mtimeMs;
    const again = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', SUID_IMAGE, '--', 'true'], { env });
    expect(again.code).toBe(118);
    expect(again.stderr).toBe(r.stderr);
    const other = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'default', SUID_IMAGE, '--', 'true'], { env });
    expect(other.code, other.stderr).toBe(118);
    expect(other.stderr).toMatch(/at or above critical/);
    expect(readdirSync(cacheDir)).toEqual(files);
    expect(statSync(join(cacheDir, files[0]!)).mtimeMs).toBe(written);
  });
  it('passes the plain test image and runs it', async () => {
    const r = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', TEST_IMAGE, '--', 'echo', 'ran'], { env: { XDG_CACHE_HOME: join(scratch, 'cli-cache') } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('ran\n');
    expect(r.stderr).not.toContain('not audited');
  });
});

describe('gate audit cache on disk', () => {
  it('round-trips, and keys on image id and version only (every policy shares an audit)', () => {
    const cache = fileGateCache({}, join(scratch, 'c1'));
    const key = gateCacheKey('sha256:aa', '1.0.0');
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, { format: 1, target: { findings: [] } });
    expect(cache.get(key)).toEqual({ format: 1, target: { findings: [] } });
    expect(gateCacheKey('sha256:bb', '1.0.0')).not.toBe(key);
    expect(gateCacheKey('sha256:aa', '1.0.1')).not.toBe(key);
  });
  it('ignores a corrupt entry and an unwritable directory', () => {
    const dir = join(scratch, 'c2');
    const cache = fileGateCache({}, dir);
    cache.set('k', { refused: false, summary: [] });
    writeFileSync(join(dir, 'k.json'), '{"refused": "no"');
    expect(cache.get('k')).toBeUndefined();
    const file = join(scratch, 'not-a-dir');
    writeFileSync(file, '');
    expect(() => fileGateCache({}, join(file, 'sub')).set('k', { refused: false, summary: [] })).not.toThrow();
  });
  it('lives under XDG_CACHE_HOME when set', () => {
    const cache = fileGateCache({ XDG_CACHE_HOME: join(scratch, 'xdg') });
    cache.set('k', { refused: false, summary: ['ok'] });
    expect(fileGateCache({ XDG_CACHE_HOME: join(scratch, 'xdg') }).get('k')).toEqual({ refused: false, summary: ['ok'] });
  });
});
