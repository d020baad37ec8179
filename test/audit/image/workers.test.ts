/** Seekable archives: the tar header index, and layer scans in worker threads (from the built dist/). */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { indexTarFile } from '../../../src/audit/image/tar-index.js';
import { scanRanges } from '../../../src/audit/image/layer-pool.js';
import { readImageArchiveStream, readImagePath } from '../../../src/audit/image/read-image.js';
import { imageTargetResult } from '../../../src/audit/image/audit.js';
import { FAKE } from '../secrets/fixtures.js';
import { makeDockerSave, makeTar, type FixtureImage } from './tar-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-test-image-workers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const image: FixtureImage = {
  layers: [
    [{ name: 'a/.env', content: `GH=${FAKE.github}\n` }, { name: 'bin/sh', content: 'x', mode: 0o4755 }],
    [{ name: 'a/.wh..env', content: '' }, { name: `deep/${'d'.repeat(120)}/file.txt`, content: 'long name' }],
    [{ name: 'b/key.txt', content: `npm=${FAKE.npm}\n` }],
  ],
};
let file = '';
beforeAll(async () => {
  file = join(tmp, 'image.tar');
  writeFileSync(file, await makeDockerSave(image, { layout: 'oci', compress: 'gzip' }));
});

async function tarStreamIndex(buf: Buffer): Promise<Array<{ name: string; size: number }>> {
  const out: Array<{ name: string; size: number }> = [];
  const ex = tar.extract();
  Readable.from([buf]).pipe(ex);
  for await (const e of ex) {
    out.push({ name: e.header.name, size: e.header.size ?? 0 });
    e.resume();
  }
  return out;
}

describe('indexTarFile', () => {
  it('agrees with tar-stream on names (long ones too) and sizes, and points at the data', async () => {
    const buf = await makeTar([
      { name: 'short.txt', content: 'hello' },
      { name: `${'x'.repeat(150)}/long-name.txt`, content: 'long' },
      { name: 'dir/', type: 'directory' },
      { name: 'link', type: 'symlink', linkname: 'short.txt' },
    ]);
    const path = join(tmp, 'index.tar');
    writeFileSync(path, buf);
    const index = indexTarFile(path, buf.length);
    expect(index.map((e) => ({ name: e.name.replace(/\/$/, ''), size: e.size }))).toEqual((await tarStreamIndex(buf)).map((e) => ({ ...e, name: e.name.replace(/\/$/, '') })));
    const long = index[1]!;
    expect(buf.toString('utf8', long.offset, long.offset + long.size)).toBe('long');
    expect(index[3]).toMatchObject({ type: '2', linkname: 'short.txt' });
  });

  it('refuses a truncated file and a file that is not tar', async () => {
    const buf = await makeTar([{ name: 'a', content: 'a'.repeat(5000) }]);
    const cut = join(tmp, 'cut.tar');
    writeFileSync(cut, buf.subarray(0, 2048));
    expect(() => indexTarFile(cut, 2048)).toThrow(/truncated archive/);
    const junk = join(tmp, 'junk.tar');
    writeFileSync(junk, Buffer.alloc(1024, 0x41));
    expect(() => indexTarFile(junk, 1024)).toThrow(/not a tar archive/);
  });
});

describe('reading a seekable archive', () => {
  it('gives the same facts as the one-pass stream', async () => {
    const summary = (r: ReturnType<typeof imageTargetResult>) => r.findings.map((f) => `${f.ruleId} ${f.location?.path} ${f.location?.layer?.index} ${f.evidence ?? ''}`).sort();
    const seekable = imageTargetResult(await readImagePath(file, { workers: 0 }));
    const { createReadStream } = await import('node:fs');
    const streamed = imageTargetResult(await readImageArchiveStream(createReadStream(file), file));
    expect(summary(seekable)).toEqual(summary(streamed));
    expect(summary(seekable).some((l) => l.startsWith('IM004 /a/.env 0'))).toBe(true);
  });

  it('scans ranges in this thread when asked for no workers', async () => {
    const bytes = readFileSync(file);
    // the gzip blobs are the layers (the others are JSON: config, manifest)
    const index = indexTarFile(file, statSync(file).size).filter((e) => /^blobs\/sha256\//.test(e.name) && bytes[e.offset] === 0x1f);
    expect(index).toHaveLength(3);
    const scans = await scanRanges(index.map((e) => ({ path: file, start: e.offset, end: e.offset + e.size })), { workers: 0 });
    expect(scans.every((s) => s.errors.length === 0 && s.compression === 'gzip')).toBe(true);
  });

  it('scans layers in worker threads (built dist/) with the same results', async () => {
    const dist = new URL('../../../dist/audit/image/read-image.js', import.meta.url);
    expect(existsSync(dist), 'run `npm run build`: the worker script runs from dist/').toBe(true);
    const built = (await import(dist.href)) as { readImagePath: typeof readImagePath };
    const strip = (f: Awaited<ReturnType<typeof readImagePath>>) => f.layers.map((l) => ({ digest: l.digest, secrets: l.scan?.secrets, special: l.scan?.specialFiles, entries: l.scan?.entries.length }));
    const inWorkers = await built.readImagePath(file, { workers: 2 });
    const inThread = await readImagePath(file, { workers: 0 });
    expect(strip(inWorkers)).toEqual(strip(inThread));
  });
});
