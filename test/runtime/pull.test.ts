import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { registryAuthFor, registryOf } from '../../src/engine/registry-auth.js';
import { pullProgressWriter } from '../../src/runtime/pull.js';

const scratch = mkdtempSync(join(tmpdir(), 'bulkhead-auth-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function withConfig(config: object): Record<string, string> {
  const dir = mkdtempSync(join(scratch, 'cfg-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return { DOCKER_CONFIG: dir };
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('registry credentials from the docker config', () => {
  it.each([
    ['alpine:3', 'docker.io'],
    ['library/alpine', 'docker.io'],
    ['ghcr.io/o/app:1', 'ghcr.io'],
    ['127.0.0.1:5000/app:1', '127.0.0.1:5000'],
    ['localhost/app', 'localhost'],
  ])('%s is on %s', (ref, registry) => {
    expect(registryOf(ref)).toBe(registry);
  });
  it('auths: base64 user:password, by registry, Docker Hub by its v1 key', () => {
    const env = withConfig({ auths: { 'ghcr.io': { auth: b64('me:pa:ss') }, 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } });
    expect(registryAuthFor('ghcr.io/o/app:1', env)).toEqual({ username: 'me', password: 'pa:ss', serveraddress: 'ghcr.io' });
    expect(registryAuthFor('alpine:3', env)).toEqual({ username: 'hub', password: 'pw', serveraddress: 'https://index.docker.io/v1/' });
    expect(registryAuthFor('quay.io/x/y', env)).toBeUndefined();
  });
  it('identity tokens', () => {
    expect(registryAuthFor('r.example/x', withConfig({ auths: { 'r.example': { identitytoken: 'tok' } } }))).toEqual({ identitytoken: 'tok', serveraddress: 'r.example' });
  });
  it('credHelpers for one registry win over credsStore, which wins over auths', () => {
    const asked: string[] = [];
    const helper = (name: string, server: string) => {
      asked.push(`${name} ${server}`);
      if (name === 'ecr' && server === '1.dkr.ecr.example.com') return { Username: 'AWS', Secret: 'ecr-secret' };
      if (name === 'desktop' && server === 'ghcr.io') return { Username: '<token>', Secret: 'id-token' };
      return undefined;
    };
    const env = withConfig({ credHelpers: { '1.dkr.ecr.example.com': 'ecr' }, credsStore: 'desktop', auths: { 'quay.io': { auth: b64('q:p') } } });
    expect(registryAuthFor('1.dkr.ecr.example.com/app:1', env, helper)).toEqual({ username: 'AWS', password: 'ecr-secret', serveraddress: '1.dkr.ecr.example.com' });
    expect(registryAuthFor('ghcr.io/o/app', env, helper)).toEqual({ identitytoken: 'id-token', serveraddress: 'ghcr.io' });
    // the store has nothing for quay.io: the auths entry is used
    expect(registryAuthFor('quay.io/o/app', env, helper)).toEqual({ username: 'q', password: 'p', serveraddress: 'quay.io' });
    expect(asked).toContain('desktop quay.io');
  });
  it('no config, or an unreadable one, is an anonymous pull', () => {
    expect(registryAuthFor('alpine', { DOCKER_CONFIG: join(scratch, 'none') })).toBeUndefined();
    const dir = mkdtempSync(join(scratch, 'bad-'));
    writeFileSync(join(dir, 'config.json'), '{not json');
    expect(registryAuthFor('alpine', { DOCKER_CONFIG: dir })).toBeUndefined();
  });
});

function capture(tty: boolean) {
  const out = new PassThrough() as PassThrough & { isTTY?: boolean };
  out.isTTY = tty;
  let text = '';
  out.on('data', (c: Buffer) => (text += c.toString()));
  return { out, text: () => text };
}

describe('pull progress', () => {
  const events = [
    { status: 'Pulling from untrusted/big', id: '1' },
    { status: 'Pulling fs layer', id: 'aaaaaaaaaaaa' },
    { status: 'Downloading', id: 'aaaaaaaaaaaa', progressDetail: { current: 1048576, total: 25165824 } },
    { status: 'Already exists', id: 'bbbbbbbbbbbb' },
    { status: 'Pull complete', id: 'aaaaaaaaaaaa' },
    { status: 'Digest: sha256:abc' },
    { status: 'Status: Downloaded newer image for r/big:1' },
  ];
  it('on a terminal: one line per layer, rewritten in place, with bytes done of total', () => {
    const c = capture(true);
    const w = pullProgressWriter('r/big:1', c.out);
    for (const e of events) w.onProgress(e);
    w.finish();
    const text = c.text();
    expect(text).toContain('aaaaaaaaaaaa: Downloading 1m/24m');
    expect(text).toContain('\x1b[1A');
    expect(text).toContain('aaaaaaaaaaaa: Pull complete');
  });
  it('otherwise: quiet lines only, no escape codes', () => {
    const c = capture(false);
    const w = pullProgressWriter('r/big:1', c.out);
    for (const e of events) w.onProgress(e);
    w.finish();
    expect(c.text()).toBe([
      'bulkhead: pulling r/big:1',
      'bulkhead: layer bbbbbbbbbbbb: Already exists',
      'bulkhead: layer aaaaaaaaaaaa: Pull complete',
      'bulkhead: Digest: sha256:abc',
      'bulkhead: Status: Downloaded newer image for r/big:1',
      '',
    ].join('\n'));
  });
});
