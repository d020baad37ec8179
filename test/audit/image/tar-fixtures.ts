/**
 * Synthetic image fixtures written with tar-stream: layers, `docker save` archives (legacy
 * `<id>/layer.tar` and OCI-in-docker-save `blobs/sha256/...`) and OCI layout directories.
 * Fast and engine-free; the engine-backed tests cover real images.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';

export interface FixtureEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device';
  mode?: number;
  uid?: number;
  gid?: number;
  uname?: string;
  content?: string | Buffer;
  linkname?: string;
}

export async function makeTar(entries: FixtureEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => void chunks.push(c as Buffer));
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const content = e.content === undefined ? undefined : Buffer.isBuffer(e.content) ? e.content : Buffer.from(e.content);
    await new Promise<void>((resolve, reject) => {
      pack.entry(
        {
          name: e.name,
          type,
          mode: e.mode ?? (type === 'directory' ? 0o755 : type === 'symlink' ? 0o777 : 0o644),
          uid: e.uid ?? 0,
          gid: e.gid ?? 0,
          uname: e.uname ?? 'root',
          linkname: e.linkname,
          size: type === 'file' ? (content?.length ?? 0) : 0,
          mtime: new Date(0),
        },
        type === 'file' ? (content ?? Buffer.alloc(0)) : '',
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

export interface FixtureImage {
  layers: FixtureEntry[][];
  /** config fields merged into a minimal image config */
  config?: Record<string, unknown>;
  /** history created_by per layer (empty_layer entries are added in between) */
  createdBy?: string[];
  emptyLayerHistory?: boolean;
}

export function imageConfig(img: FixtureImage, layerTars: Buffer[]): Record<string, unknown> {
  const history: Array<Record<string, unknown>> = [];
  img.layers.forEach((_l, i) => {
    if (img.emptyLayerHistory) history.push({ created_by: `/bin/sh -c #(nop)  LABEL step=${i}`, empty_layer: true });
    history.push({ created_by: img.createdBy?.[i] ?? `/bin/sh -c #(nop) ADD layer${i}` });
  });
  return {
    architecture: 'amd64',
    os: 'linux',
    config: { Env: ['PATH=/usr/bin:/bin'], User: '1000', Healthcheck: { Test: ['CMD', 'true'] }, ...(img.config ?? {}) },
    rootfs: { type: 'layers', diff_ids: layerTars.map((t) => `sha256:${sha256(t)}`) },
    history,
  };
}

export interface SaveOptions {
  layout?: 'legacy' | 'oci';
  compress?: 'none' | 'gzip';
  /** where manifest.json goes in the archive (docker 20.10 writes it last) */
  manifestFirst?: boolean;
  /** edit the manifest before writing (lying manifests) */
  editManifest?: (m: Array<{ Config: string; RepoTags: string[]; Layers: string[] }>) => void;
  /** the archive's entries, before packing (drop, duplicate) */
  editEntries?: (entries: FixtureEntry[]) => FixtureEntry[];
}

/** A `docker save` archive of the fixture image. */
export async function makeDockerSave(img: FixtureImage, opts: SaveOptions = {}): Promise<Buffer> {
  const tars = await Promise.all(img.layers.map((l) => makeTar(l)));
  const blobs = tars.map((t) => (opts.compress === 'gzip' ? gzipSync(t) : t));
  const config = Buffer.from(JSON.stringify(imageConfig(img, tars)));
  const configHex = sha256(config);
  const entries: FixtureEntry[] = [];
  const layerPaths: string[] = [];
  if (opts.layout === 'oci') {
    entries.push({ name: 'blobs/', type: 'directory' }, { name: 'blobs/sha256/', type: 'directory' });
    blobs.forEach((b) => {
      const p = `blobs/sha256/${sha256(b)}`;
      layerPaths.push(p);
      entries.push({ name: p, content: b });
    });
    entries.push({ name: `blobs/sha256/${configHex}`, content: config });
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${configHex}`, size: config.length },
        layers: blobs.map((b) => ({ mediaType: opts.compress === 'gzip' ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${sha256(b)}`, size: b.length })),
      }),
    );
    entries.push({ name: `blobs/sha256/${sha256(manifest)}`, content: manifest });
    entries.push({ name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' });
    entries.push({ name: 'index.json', content: JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${sha256(manifest)}`, size: manifest.length }] }) });
  } else {
    blobs.forEach((b, i) => {
      const id = sha256(`layer-${i}-${sha256(b)}`);
      layerPaths.push(`${id}/layer.tar`);
      entries.push({ name: `${id}/`, type: 'directory' }, { name: `${id}/VERSION`, content: '1.0' }, { name: `${id}/json`, content: '{}' }, { name: `${id}/layer.tar`, content: b });
    });
    entries.push({ name: `${configHex}.json`, content: config });
  }
  const manifest = [{ Config: opts.layout === 'oci' ? `blobs/sha256/${configHex}` : `${configHex}.json`, RepoTags: ['fixture:latest'], Layers: layerPaths }];
  opts.editManifest?.(manifest);
  const manifestEntry: FixtureEntry = { name: 'manifest.json', content: JSON.stringify(manifest) };
  let all = opts.manifestFirst ? [manifestEntry, ...entries] : [...entries, manifestEntry];
  if (opts.editEntries) all = opts.editEntries(all);
  return makeTar(all);
}

/** An OCI image layout directory of the fixture image. */
export async function makeOciLayoutDir(dir: string, img: FixtureImage): Promise<string> {
  const tars = await Promise.all(img.layers.map((l) => makeTar(l)));
  const blobs = tars.map((t) => gzipSync(t));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (b: Buffer) => {
    const hex = sha256(b);
    writeFileSync(join(dir, 'blobs', 'sha256', hex), b);
    return { digest: `sha256:${hex}`, size: b.length };
  };
  const config = Buffer.from(JSON.stringify(imageConfig(img, tars)));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) },
      layers: blobs.map((b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(b) })),
    }),
  );
  const m = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m }] }));
  return dir;
}
