import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gateCacheKey } from '../../src/runtime/gate-cache.js';
import { toolVersion } from '../../src/version.js';
import { runCli as runCliWithEnv } from '../helpers/cli.js';
import { buildDerivedImage, docker, removeContainersLabelled } from '../helpers/engine.js';

/**
 * Pull, then gate, then run, against a real registry (Debian's docker-registry, started by
 * scripts/registry on a free loopback port). Images are built here, pushed, and removed from
 * the engine so that bulkhead has to pull them.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const LABEL = 'bulkhead-test=untrusted-pull';
const CLEAN = 'bulkhead-test/untrusted-pull-clean:1';
const PLANTED = 'bulkhead-test/untrusted-pull-planted:1';
const BIG = 'bulkhead-test/untrusted-pull-big:1';
let registryDir = '';
let registry = '';
let scratch = '';
const pushed: string[] = [];

function runCli(args: string[]) {
  return runCliWithEnv(args, { env: { XDG_CACHE_HOME: join(scratch, 'cache'), DOCKER_CONFIG: join(scratch, 'docker-config') } });
}
/** Pushes a local image as REGISTRY/untrusted/NAME and removes the remote tag from the engine. */
function push(local: string, name: string): string {
  const remote = `${registry}/untrusted/${name}`;
  docker(['tag', local, remote]);
  docker(['push', '-q', remote]);
  docker(['rmi', remote]);
  pushed.push(remote);
  return remote;
}
const containers = () => docker(['ps', '-aq', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean);
const gateCacheEntries = () => {
  const dir = join(scratch, 'cache', 'bulkhead', 'gate');
  return existsSync(dir) ? readdirSync(dir) : [];
};

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bulkhead-pull-'));
  const started = spawnSync(join(repo, 'scripts/registry'), ['start'], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`scripts/registry start failed: ${started.stderr}`);
  [registryDir = '', registry = ''] = started.stdout.trim().split(' ');
  // content unique to this run, so no layer is already in the engine
  const nonce = `${Date.now()}-${process.pid}`;
  buildDerivedImage(CLEAN, `RUN echo clean-${nonce} > /clean.txt`);
  buildDerivedImage(PLANTED, `RUN mkdir -p /app && printf 'AWS_ACCESS_KEY_ID=AKIAZ7Q3NDUX4K2MBV7P\\nAWS_SECRET_ACCESS_KEY=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\\n' > /app/.env && echo ${nonce} > /nonce`);
  buildDerivedImage(BIG, `RUN head -c 24000000 /dev/urandom > /blob && echo ${nonce} > /nonce`);
}, 300_000);

afterAll(() => {
  removeContainersLabelled(LABEL);
  for (const ref of pushed) docker(['rmi', '-f', ref], { allowFail: true });
  docker(['rmi', '-f', CLEAN, PLANTED, BIG], { allowFail: true });
  if (registryDir) spawnSync(join(repo, 'scripts/registry'), ['stop', registryDir]);
  rmSync(scratch, { recursive: true, force: true });
});

describe('bulkhead run pulls, gates the pulled image id, then runs', () => {
  it('a clean image pulls (default --pull missing), passes the untrusted gate and runs', async () => {
    const ref = push(CLEAN, 'clean:1');
    const r = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', ref, '--', 'cat', '/clean.txt']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^clean-/);
    expect(r.stderr).toContain(`bulkhead: pulling ${ref}`);
    expect(r.stderr).toMatch(/Status: Downloaded newer image/);
    // the gate's audit is cached under the id that was pulled
    const id = docker(['image', 'inspect', '-f', '{{.Id}}', ref]);
    expect(gateCacheEntries()).toContain(`${gateCacheKey(id, toolVersion())}.json`);
    // --pull missing: a second run does not pull again
    const again = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', ref, '--', 'true']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('pulling');
  });

  it('a planted image (a secret in a layer) pulls and is refused before any container exists', async () => {
    const ref = push(PLANTED, 'planted:1');
    const r = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', ref, '--', 'true']);
    expect(r.code, r.stderr).toBe(118);
    expect(r.stderr).toContain(`refused by the image gate: ${ref}`);
    expect(r.stderr).toMatch(/\/app\/\.env/);
    // never the secret itself
    expect(r.stderr).not.toContain('q8Xv2LrT9bN4mK7pZ1sW6yH3cF5gJ0dE8aQ2uV9i');
    expect(containers()).toEqual([]);
  });

  it('--pull always with a changed image behind the same tag re-gates the new id', async () => {
    docker(['tag', CLEAN, `${registry}/untrusted/moving:1`]);
    docker(['push', '-q', `${registry}/untrusted/moving:1`]);
    pushed.push(`${registry}/untrusted/moving:1`);
    const ref = `${registry}/untrusted/moving:1`;
    const first = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', '--pull', 'always', ref, '--', 'true']);
    expect(first.code, first.stderr).toBe(0);
    docker(['tag', PLANTED, ref]);
    docker(['push', '-q', ref]);
    docker(['tag', CLEAN, ref]);
    // the engine's tag points at the clean image again; the registry's at the planted one
    const second = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', '--pull', 'always', ref, '--', 'true']);
    expect(second.code, second.stderr).toBe(118);
    expect(second.stderr).toContain(`bulkhead: pulling ${ref}`);
    expect(containers()).toEqual([]);
  });

  it('--pull never does not pull: an image the engine lacks is 119', async () => {
    const r = await runCli(['run', '--rm', '--label', LABEL, '--pull', 'never', `${registry}/untrusted/clean-never:1`, '--', 'true']);
    expect(r.code).toBe(119);
    expect(r.stderr).toMatch(/is not in the engine .*--pull never/);
    expect(r.stderr).not.toContain('pulling');
  });
});

describe('pull failures: one line, exit 117, nothing created', () => {
  it.each([
    ['an unknown tag', () => `${registry}/untrusted/clean:no-such-tag`, /manifest unknown/],
    ['a registry that is down', () => '127.0.0.1:1/untrusted/clean:1', /connection refused/],
  ])('%s', async (_what, ref, message) => {
    const r = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', ref(), '--', 'true']);
    expect(r.code).toBe(117);
    const errors = r.stderr.split('\n').filter((l) => l.includes('cannot pull'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(containers()).toEqual([]);
    // bulkhead pull alone says the same
    const p = await runCli(['pull', ref()]);
    expect(p.code).toBe(117);
    expect(p.stderr).toMatch(message);
  });
  it('bulkhead pull alone pulls and prints the image id', async () => {
    const ref = `${registry}/untrusted/clean:1`;
    docker(['rmi', '-f', ref], { allowFail: true });
    const p = await runCli(['pull', ref]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim()).toBe(docker(['image', 'inspect', '-f', '{{.Id}}', ref]));
  });
});

describe('a pull interrupted half-way', () => {
  let proxy: Server | undefined;
  const stalled: Socket[] = [];
  afterAll(() => {
    for (const s of stalled) s.destroy();
    proxy?.close();
  });

  it('leaves no image under the reference, so nothing is gated or run', async () => {
    push(BIG, 'big:1');
    // the big layer must come from the registry: nothing in the engine may hold it
    docker(['rmi', BIG]);
    const [host, port] = registry.split(':');
    let stalledBlob = false;
    // forwards to the registry, but a large blob stops after its first MiB and hangs there
    const seen: string[] = [];
    proxy = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const up = httpRequest({ host, port: Number(port), path: req.url, method: req.method, headers: req.headers }, (upRes) => {
        const size = Number(upRes.headers['content-length'] ?? 0);
        seen.push(`  -> ${upRes.statusCode} ${size}`);
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (req.method !== 'GET' || !req.url?.includes('/blobs/') || size < 8_000_000) return void upRes.pipe(res);
        let sent = 0;
        upRes.on('data', (chunk: Buffer) => {
          if (sent >= 1_048_576) return;
          res.write(chunk);
          sent += chunk.length;
          if (sent >= 1_048_576) {
            stalledBlob = true;
            upRes.pause();
            stalled.push(res.socket as Socket);
          }
        });
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', () => resolve()));
    const proxyPort = (proxy.address() as { port: number }).port;
    const ref = `127.0.0.1:${proxyPort}/untrusted/big:1`;
    pushed.push(ref);
    const child = spawn(process.execPath, [join(repo, 'bin/bulkhead.js'), 'run', '--rm', '--label', LABEL, '--policy', 'untrusted', ref, '--', 'true'], {
      env: { ...process.env, XDG_CACHE_HOME: join(scratch, 'cache-big'), DOCKER_CONFIG: join(scratch, 'docker-config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let childErr = '';
    child.stderr.on('data', (c: Buffer) => (childErr += c.toString()));
    for (let i = 0; i < 200 && !stalledBlob; i++) await new Promise((r) => setTimeout(r, 100));
    expect(stalledBlob, `${childErr}\n${seen.join('\n')}`).toBe(true);
    // the user gives up: Ctrl-C
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    // the engine registers an image only once all its layers are in
    expect(spawnSync('docker', ['image', 'inspect', ref]).status).not.toBe(0);
    for (const s of stalled) s.destroy();
    const r = await runCli(['run', '--rm', '--label', LABEL, '--pull', 'never', ref, '--', 'true']);
    expect(r.code).toBe(119);
    expect(containers()).toEqual([]);
    expect(existsSync(join(scratch, 'cache-big', 'bulkhead', 'gate')) ? readdirSync(join(scratch, 'cache-big', 'bulkhead', 'gate')) : []).toEqual([]);
  }, 120_000);
});
