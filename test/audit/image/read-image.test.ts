import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { imageTargetResult } from '../../../src/audit/image/audit.js';
import { readImageArchiveStream, readImagePath } from '../../../src/audit/image/read-image.js';
import { FAKE, rsaPem } from '../secrets/fixtures.js';
import { makeDockerSave, makeOciLayoutDir, type FixtureImage } from './tar-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-test-image-read-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Three layers: a key added, then deleted; a setuid shell; a token in ENV and a build arg in history. */
const planted: FixtureImage = {
  layers: [
    [
      { name: 'bin/', type: 'directory' },
      { name: 'bin/sh', content: 'shell', mode: 0o4755 },
      { name: 'root/.ssh/', type: 'directory' },
      { name: 'root/.ssh/id_rsa', content: rsaPem() },
    ],
    [
      { name: 'root/.ssh/', type: 'directory' },
      { name: 'root/.ssh/.wh.id_rsa', content: '' },
      { name: 'app/', type: 'directory' },
      { name: 'app/config.json', content: JSON.stringify({ auths: { 'r.example.com': { auth: FAKE.dockerAuth } } }) },
    ],
    [{ name: 'app/run.sh', content: '#!/bin/sh\nexec app\n' }],
  ],
  createdBy: ['/bin/sh -c #(nop) COPY id_rsa /root/.ssh/id_rsa', `|1 NPM_TOKEN=${FAKE.npm} /bin/sh -c rm /root/.ssh/id_rsa`, '/bin/sh -c #(nop) COPY run.sh /app/'],
  emptyLayerHistory: true,
  config: { Env: ['PATH=/bin', `GITHUB_TOKEN=${FAKE.github}`, 'DB_PASSWORD_FILE=/run/secrets/db'], User: '', ExposedPorts: { '22/tcp': {} }, Healthcheck: undefined },
};

const ids = (r: ReturnType<typeof imageTargetResult>) => [...new Set(r.findings.map((f) => f.ruleId))].sort();

describe('reading images', () => {
  it.each([
    ['legacy docker save, manifest last', { layout: 'legacy' as const }],
    ['legacy docker save, manifest first, gzip layers', { layout: 'legacy' as const, manifestFirst: true, compress: 'gzip' as const }],
    ['OCI-in-docker-save', { layout: 'oci' as const, compress: 'gzip' as const }],
  ])('%s: finds the planted issues with layer, digest and instruction', async (_n, opts) => {
    const archive = await makeDockerSave(planted, opts);
    const facts = await readImageArchiveStream(Readable.from([archive]), 'fixture.tar');
    expect(facts.errors).toEqual([]);
    expect(facts.layers.map((l) => l.createdBy)).toEqual([planted.createdBy![0], expect.stringMatching(/^\|1 NPM_TOKEN=npm_…\[redacted 40 chars, sha256:[0-9a-f]{8}\] \/bin\/sh -c rm/), planted.createdBy![2]]);
    const r = imageTargetResult(facts);
    expect(ids(r)).toEqual(['IM001', 'IM003', 'IM004', 'IM005', 'IM006', 'IM007', 'IM008', 'IM009']);
    const deleted = r.findings.find((f) => f.ruleId === 'IM004');
    expect(deleted?.message).toMatch(/hidden by layer 1 but still extractable from layer 0/);
    expect(deleted?.location?.layer).toMatchObject({ index: 0, createdBy: planted.createdBy![0] });
    expect(deleted?.location?.layer?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(r.findings.find((f) => f.ruleId === 'IM001')).toMatchObject({ severity: 'critical', location: { path: '/bin/sh' } });
    expect(r.findings.find((f) => f.ruleId === 'IM006')?.message).toMatch(/NPM_TOKEN/);
    const all = JSON.stringify(r);
    for (const s of [FAKE.github, FAKE.npm, FAKE.dockerAuth]) expect(all).not.toContain(s);
  });

  it('gives the same findings from a file, a gzipped file and an OCI layout directory', async () => {
    const file = join(tmp, 'save.tar');
    writeFileSync(file, await makeDockerSave(planted, { compress: 'gzip' }));
    const gz = join(tmp, 'save.tar.gz');
    writeFileSync(gz, gzipSync(await makeDockerSave(planted)));
    const dir = await makeOciLayoutDir(join(tmp, 'oci'), planted);
    const summarize = async (p: string) => imageTargetResult(await readImagePath(p)).findings.map((f) => `${f.ruleId} ${f.location?.path ?? ''} ${f.location?.layer?.index ?? ''}`).sort();
    const fromFile = await summarize(file);
    expect(await summarize(gz)).toEqual(fromFile);
    expect(await summarize(dir)).toEqual(fromFile);
  });
});

describe('bad archives are errors or findings, never crashes', () => {
  const simple: FixtureImage = { layers: [[{ name: 'a.txt', content: 'hello' }], [{ name: 'b.txt', content: 'world' }]] };

  it('a manifest listing a layer the archive lacks', async () => {
    const archive = await makeDockerSave(simple, { editManifest: (m) => m[0]!.Layers.push('feedface/layer.tar') });
    const r = imageTargetResult(await readImageArchiveStream(Readable.from([archive]), 'x'));
    expect(r.findings.find((f) => f.ruleId === 'IM013')?.message).toMatch(/lists feedface\/layer.tar but the image has no such layer/);
  });

  it('a layer listed twice', async () => {
    const archive = await makeDockerSave(simple, { editManifest: (m) => m[0]!.Layers.push(m[0]!.Layers[0]!) });
    const r = imageTargetResult(await readImageArchiveStream(Readable.from([archive]), 'x'));
    expect(r.findings.find((f) => f.ruleId === 'IM014')?.message).toMatch(/lists the blob of layer 0 again as layer 2/);
  });

  it('no manifest at all, a manifest that is not JSON, a config that is missing', async () => {
    const noManifest = await makeDockerSave(simple, { editEntries: (e) => e.filter((x) => x.name !== 'manifest.json') });
    expect((await readImageArchiveStream(Readable.from([noManifest]), 'x')).errors).toEqual(['not an image: no manifest.json (docker save) or index.json (OCI layout)']);
    const badJson = await makeDockerSave(simple, { editEntries: (e) => e.map((x) => (x.name === 'manifest.json' ? { ...x, content: '[{' } : x)) });
    expect((await readImageArchiveStream(Readable.from([badJson]), 'x')).errors[0]).toMatch(/^manifest.json is not valid JSON/);
    const noConfig = await makeDockerSave(simple, { editEntries: (e) => e.filter((x) => !/^[0-9a-f]{64}\.json$/.test(x.name)) });
    expect((await readImageArchiveStream(Readable.from([noConfig]), 'x')).errors[0]).toMatch(/image config .* is missing/);
  });

  it('an OCI index with a digest that tries to leave blobs/', async () => {
    const archive = await makeDockerSave(simple, {
      layout: 'oci',
      editEntries: (e) => e.filter((x) => x.name !== 'manifest.json').map((x) => (x.name === 'index.json' ? { ...x, content: JSON.stringify({ manifests: [{ digest: 'sha256:../../etc/passwd' }] }) } : x)),
    });
    expect((await readImageArchiveStream(Readable.from([archive]), 'x')).errors[0]).toMatch(/is not sha256:<64 hex>/);
  });

  it('a truncated archive and a file that is not an archive', async () => {
    const archive = await makeDockerSave(simple);
    const cut = await readImageArchiveStream(Readable.from([archive.subarray(0, Math.floor(archive.length / 2))]), 'x');
    expect(cut.errors.join(' ')).toMatch(/truncated archive|no manifest/);
    const junk = await readImageArchiveStream(Readable.from([Buffer.from('hello world, not a tarball\n'.repeat(100))]), 'x');
    expect(junk.errors.length).toBeGreaterThan(0);
    const empty = await readImageArchiveStream(Readable.from([]), 'x');
    expect(empty.errors.length).toBeGreaterThan(0);
  });

  it('a missing path is a not-found error', async () => {
    await expect(readImagePath(join(tmp, 'nope.tar'))).rejects.toThrow(/cannot read \(ENOENT\)/);
  });
});

describe('errors never quote a secret', () => {
  it('a config that is not valid JSON is reported by position, not by content', async () => {
    const simple: FixtureImage = { layers: [[{ name: 'a.txt', content: 'hello' }]] };
    const archive = await makeDockerSave(simple, {
      editEntries: (e) => e.map((x) => (/^[0-9a-f]{64}\.json$/.test(x.name) ? { ...x, content: `{"config":{"Env":["GITHUB_TOKEN=${FAKE.github}"]` } : x)),
    });
    const facts = await readImageArchiveStream(Readable.from([archive]), 'x');
    expect(facts.errors[0]).toMatch(/is not valid JSON/);
    expect(JSON.stringify(facts)).not.toContain(FAKE.github);
  });
});
