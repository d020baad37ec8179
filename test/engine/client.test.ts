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
