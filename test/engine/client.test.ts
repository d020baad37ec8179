import { createServer, type IncomingMessage } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectEngine } from '../../src/engine/dockerode-client.js';
import { DockerApiError } from '../../src/engine/client.js';
import { TEST_IMAGE, docker } from '../helpers/engine.js';

describe('DockerodeEngineClient on the real engine', () => {
  it('negotiates the API version down to the engine', async () => {
    const engine = await connectEngine();
    const v = await engine.version();
    expect(await engine.apiVersion()).toBe(v.ApiVersion <= '1.45' ? v.ApiVersion : '1.45');
    expect((await engine.inspectImage(TEST_IMAGE)).Config?.Cmd).toEqual(['/bin/sh']);
  });

  it('wraps a missing image as a typed not-found error', async () => {
    const engine = await connectEngine();
    const err = await engine.inspectImage('bulkhead-test/does-not-exist:0').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerApiError);
    expect(err).toMatchObject({ kind: 'not-found', statusCode: 404 });
  });

  it('reports an engine that is down as unreachable, naming the socket', async () => {
    const engine = await connectEngine('unix:///tmp/bulkhead-no-such.sock');
    const err = await engine.ping().catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'engine-unreachable' });
    expect(String((err as Error).message)).toContain('/tmp/bulkhead-no-such.sock');
  });

  it('lists no changes as an empty array (the engine answers a JSON null)', async () => {
    const engine = await connectEngine();
    const id = docker(['create', '--label', 'bulkhead-test=engine', TEST_IMAGE, 'true']);
    try {
      expect(await engine.containerChanges(id)).toEqual([]);
    } finally {
      docker(['rm', '-f', id], { allowFail: true });
    }
  });
});

/** A stand-in engine on a unix socket that records what the client sends (the wire format, not behaviour). */
async function recordingEngine(answer: (req: IncomingMessage, body: string) => { status: number; json?: unknown; headers?: Record<string, string> }) {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-engine-'));
  const socketPath = join(dir, 'engine.sock');
  const seen: { method: string; url: string; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const a = answer(req, body);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(a.json === undefined ? '' : JSON.stringify(a.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  const close = () => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `unix://${socketPath}`, seen, close };
}

describe('DockerodeEngineClient on the wire', () => {
  it('sends the create options in the body only: the query string carries just the name', async () => {
    const engine = await recordingEngine((req) =>
      req.url === '/_ping' ? { status: 200, headers: { 'api-version': '1.41' } } : { status: 201, json: { Id: 'c0ffee', Warnings: [] } },
    );
    try {
      const client = await connectEngine(engine.url);
      const env = ['TOKEN=s3cr3t-value'];
      expect(await client.createContainer({ name: 'bh-wire', Image: 'img:1', Env: env, HostConfig: { SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ERRNO"}'] } })).toEqual({ id: 'c0ffee', warnings: [] });
      const create = engine.seen.find((r) => r.url.includes('/containers/create'));
      expect(create?.url).toBe('/v1.41/containers/create?name=bh-wire');
      expect(JSON.parse(create?.body ?? '{}')).toEqual({ Image: 'img:1', Env: env, HostConfig: { SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ERRNO"}'] } });
      // without a name, an empty query
      await client.createContainer({ Image: 'img:1' });
      expect(engine.seen.filter((r) => r.url.includes('/containers/create')).at(-1)?.url).toMatch(/^\/v1\.41\/containers\/create\??$/);
      // the API version came from one ping, sent when connecting
      expect(engine.seen.filter((r) => r.url === '/_ping')).toHaveLength(1);
    } finally {
      engine.close();
    }
  });

  it('an engine that starts after connectEngine is still reached (the failed early ping is retried)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulkhead-engine-late-'));
    const socketPath = join(dir, 'engine.sock');
    try {
      const client = await connectEngine(`unix://${socketPath}`);
      await new Promise((r) => setTimeout(r, 20));
      const server = createServer((req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', ...(req.url === '/_ping' ? { 'api-version': '1.41' } : {}) });
        res.end(req.url === '/_ping' ? 'OK' : JSON.stringify({ Id: 'sha256:late' }));
      });
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
      try {
        expect(await client.inspectImage('img:1')).toEqual({ Id: 'sha256:late' });
        expect(await client.apiVersion()).toBe('1.41');
      } finally {
        server.closeAllConnections();
        server.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an engine that is down fails the first call as unreachable (the early ping is not an unhandled rejection)', async () => {
    const client = await connectEngine('unix:///tmp/bulkhead-no-such.sock');
    await new Promise((r) => setTimeout(r, 20));
    const err = await client.inspectImage(TEST_IMAGE).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'engine-unreachable' });
    expect(String((err as Error).message)).toContain('/tmp/bulkhead-no-such.sock');
  });
});
