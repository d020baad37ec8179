import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { policyArgument, sendEarlyInfo, takeEarlyInfo } from '../../src/engine/early-info.js';

const dir = mkdtempSync(join(tmpdir(), 'early-info-'));
const socket = join(dir, 'engine.sock');
let server: Server;
let infoCalls = 0;
let status = 200;

beforeAll(async () => {
  // stands in for the engine's GET /info only; the real engine's answer is used in the run tests
  server = createServer((req, res) => {
    if (req.url === '/info') infoCalls++;
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(status === 200 ? JSON.stringify({ DefaultRuntime: 'runc', Runtimes: { runc: { path: 'runc' } } }) : '{"message":"no"}');
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('the early GET /info of a sandboxed run', () => {
  it.each([
    [['run', '--policy', 'sandboxed', 'img'], 'sandboxed'],
    [['run', '--rm', '--policy=sandboxed', 'img'], 'sandboxed'],
    [['run', 'img', '--', 'sh', '--policy', 'sandboxed'], undefined],
    [['run', 'img'], undefined],
  ])('policyArgument(%j) is %s', (argv, want) => {
    expect(policyArgument(argv)).toBe(want);
  });

  it('is sent before anything waits for it, taken once, and only by a client of the same socket', async () => {
    const before = infoCalls;
    await sendEarlyInfo({ DOCKER_HOST: `unix://${socket}` });
    expect(infoCalls - before).toBeLessThanOrEqual(1);
    expect(takeEarlyInfo('/var/run/other.sock')).toBeUndefined();
    const early = takeEarlyInfo(socket);
    expect(await early).toMatchObject({ DefaultRuntime: 'runc' });
    expect(infoCalls - before).toBe(1);
    expect(takeEarlyInfo(socket)).toBeUndefined();
  });

  it('an error answer or a missing engine is no answer: the client asks itself', async () => {
    status = 500;
    await sendEarlyInfo({ DOCKER_HOST: `unix://${socket}` });
    expect(await takeEarlyInfo(socket)).toBeUndefined();
    status = 200;
    const missing = join(dir, 'missing.sock');
    await sendEarlyInfo({ DOCKER_HOST: `unix://${missing}` });
    expect(await takeEarlyInfo(missing)).toBeUndefined();
  });

  it('is not sent to an engine that is not on a unix socket, nor for a DOCKER_HOST it cannot parse', async () => {
    await sendEarlyInfo({ DOCKER_HOST: 'tcp://127.0.0.1:1' });
    expect(takeEarlyInfo(undefined)).toBeUndefined();
    await sendEarlyInfo({ DOCKER_HOST: 'ftp://x' });
    expect(takeEarlyInfo(undefined)).toBeUndefined();
  });
});
