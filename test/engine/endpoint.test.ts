import { describe, expect, it } from 'vitest';
import { discoverEngine, parseEngineUrl } from '../../src/engine/endpoint.js';
import { negotiateApiVersion, MAX_API_VERSION } from '../../src/engine/dockerode-client.js';

describe('parseEngineUrl', () => {
  it.each([
    ['unix:///var/run/docker.sock', { socketPath: '/var/run/docker.sock' }],
    ['/run/user/1000/docker.sock', { socketPath: '/run/user/1000/docker.sock' }],
    ['tcp://10.0.0.5:2375', { protocol: 'http', host: '10.0.0.5', port: 2375 }],
    ['ssh://ops@build-host', { protocol: 'ssh', host: 'build-host', port: 22, username: 'ops' }],
  ])('%s', (url, expected) => {
    expect(parseEngineUrl(url, {})).toMatchObject(expected);
  });

  it('uses TLS and the cert path when DOCKER_TLS_VERIFY is set', () => {
    expect(parseEngineUrl('tcp://h:2376', { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' })).toMatchObject({
      protocol: 'https',
      ca: '/certs/ca.pem',
      cert: '/certs/cert.pem',
      key: '/certs/key.pem',
    });
  });

  it.each(['ftp://x', 'not a url'])('refuses %s with a message naming it', (url) => {
    expect(() => parseEngineUrl(url, {})).toThrow(/unsupported scheme|is not a URL/);
  });
});

describe('discoverEngine', () => {
  it('prefers an explicit URL, then DOCKER_HOST, then the first socket that exists', () => {
    expect(discoverEngine('unix:///a.sock', { DOCKER_HOST: 'unix:///b.sock' }).socketPath).toBe('/a.sock');
    expect(discoverEngine(undefined, { DOCKER_HOST: 'unix:///b.sock' }).socketPath).toBe('/b.sock');
    expect(discoverEngine(undefined, { XDG_RUNTIME_DIR: '/run/user/7' }, (p) => p === '/run/user/7/docker.sock').socketPath).toBe(
      '/run/user/7/docker.sock',
    );
  });
});

describe('negotiateApiVersion', () => {
  it('never asks for more than the engine speaks, nor more than we know', () => {
    expect(negotiateApiVersion('1.41')).toBe('1.41');
    expect(negotiateApiVersion('1.99')).toBe(MAX_API_VERSION);
  });
});
