/**
 * Reads an image into ImageFacts, from the three places an image can be:
 * - a `docker save` archive (legacy `<id>/layer.tar` or OCI-in-docker-save `blobs/sha256/..`),
 *   possibly gzip-compressed, from a file or from the engine's export stream;
 * - an OCI image layout directory (oci-layout, index.json, blobs/sha256/..);
 * - an image in the engine (GET /images/{name}/get + inspect).
 *
 * One pass over an archive, whatever its order: docker writes manifest.json after the layers,
 * so every layer is scanned where it stands (scans are small) and ordered afterwards by the
 * manifest. Nothing is buffered to disk and no file is written, so a non-seekable engine
 * stream and a file take the same path. (The alternative, two passes over a seekable file,
 * would read the archive's headers twice and still need a buffer for the engine stream.)
 */
import { closeSync, createReadStream, lstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import tar from 'tar-stream';
import { BulkheadError } from '../../errors.js';
import type { EngineClient } from '../../engine/client.js';
import { openLayer } from './decompress.js';
import { redactInstruction } from './history.js';
import { FinalView, type ImageConfigFacts, type ImageFacts, type ImageLayerFacts } from './facts.js';
import { scanFilesystemTar, type FilesystemScan, type ScanOptions } from './fs-scan.js';
import { scanRanges } from './layer-pool.js';
import { indexTarFile, type TarIndexEntry } from './tar-index.js';

export interface ImageReadOptions extends ScanOptions {
  /** lanes (this thread + worker threads) for the layers of a seekable archive file (default: one per core, at most 2; 0 = this thread only) */
  workers?: number;
  /** called as archive bytes are read and layers finish */
  onProgress?: (p: { bytes: number; layers: number }) => void;
}

/** JSON documents (manifests, configs, indexes) are small; anything bigger is not one. */
const MAX_JSON_SIZE = 16 * 1024 * 1024;
const BLOB_PATH = /^blobs\/sha256\/[0-9a-f]{64}$/;

interface ArchiveContents {
  json: Map<string, Buffer>;
  scans: Map<string, FilesystemScan>;
  links: Map<string, string>;
  notes: string[];
  errors: string[];
}

function archiveName(name: string): string {
  return name.replace(/^(?:\.\/|\/)+/, '').replace(/\/+$/, '');
}

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield first;
  for (let r = await rest.next(); !r.done; r = await rest.next()) yield r.value;
}

/** Streams an image archive once, scanning every layer blob in place. */
async function readArchive(src: Readable, options: ImageReadOptions): Promise<ArchiveContents> {
  const out: ArchiveContents = { json: new Map(), scans: new Map(), links: new Map(), notes: [], errors: [] };
  let bytes = 0;
  let layers = 0;
  if (options.onProgress) {
    src.on('data', (c: Buffer) => {
      bytes += c.length;
      options.onProgress?.({ bytes, layers });
    });
  }
  let opened;
  try {
    opened = await openLayer(src);
  } catch (err) {
    out.errors.push(`cannot read archive: ${(err as Error).message}`);
    return out;
  }
  if (!opened.ok) {
    out.errors.push(`archive compression ${opened.compression} is not supported`);
    return out;
  }
  const extract = tar.extract();
  opened.stream.on('error', (err: Error) => extract.destroy(err));
  opened.stream.pipe(extract);
  let entries = 0;
  try {
    for await (const entry of extract) {
      entries++;
      const h = entry.header;
      const name = archiveName(h.name);
      if (h.type === 'symlink' && h.linkname) {
        // docker save links a layer listed twice to its first copy
        out.links.set(name, archiveName(posix.normalize(posix.join(posix.dirname(name), h.linkname))));
        entry.resume();
        continue;
      }
      if (h.type !== 'file' && h.type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const size = h.size ?? 0;
      const isBlob = BLOB_PATH.test(name);
      const isLayerTar = name.endsWith('/layer.tar') || name === 'layer.tar';
      const isJsonName = name === 'manifest.json' || name === 'index.json' || name === 'oci-layout' || name === 'repositories' || (name.endsWith('.json') && !name.includes('/'));
      if (out.json.has(name) || out.scans.has(name)) out.notes.push(`the archive holds ${name} more than once; the last copy is used`);
      if (isJsonName || (isBlob && size <= MAX_JSON_SIZE)) {
        const it = (entry as unknown as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        const first = await it.next();
        if (first.done) {
          if (isJsonName || isBlob) out.json.set(name, Buffer.alloc(0));
          continue;
        }
        const looksJson = first.value[0] === 0x7b; /* { */
        if ((isJsonName || (isBlob && looksJson)) && size <= MAX_JSON_SIZE) {
          const parts = [first.value];
          for (let r = await it.next(); !r.done; r = await it.next()) parts.push(r.value);
          out.json.set(name, Buffer.concat(parts));
          continue;
        }
        if (isBlob) {
          out.scans.set(name, await scanFilesystemTar(Readable.from(prepend(first.value, it), { objectMode: false }), options));
          layers++;
          options.onProgress?.({ bytes, layers });
          continue;
        }
        for (let r = await it.next(); !r.done; r = await it.next());
        continue;
      }
      if (isBlob || isLayerTar) {
        // tar-stream entries are streamx streams: hand the scanner a Node stream
        out.scans.set(name, await scanFilesystemTar(Readable.from(entry as unknown as AsyncIterable<Buffer>, { objectMode: false }), options));
        layers++;
        options.onProgress?.({ bytes, layers });
        continue;
      }
      entry.resume();
    }
  } catch (err) {
    const msg = (err as Error).message;
    out.errors.push(/unexpected end|premature close/i.test(msg) ? `truncated archive (${msg})` : `cannot read archive (${msg})`);
  }
  if (entries === 0 && out.errors.length === 0) out.errors.push('empty archive: not a docker save tarball or OCI layout');
  return out;
}

function parseJson(bytes: Buffer | undefined, what: string): unknown {
  if (bytes === undefined) throw new Error(`${what} is missing`);
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (err) {
    // V8's JSON errors quote the input around the error, and a config can hold secrets: position only
    const pos = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new Error(`${what} is not valid JSON${pos ? ` (at byte ${pos})` : ''}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function blobPath(digest: unknown, what: string): string {
  if (typeof digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`${what}: digest ${JSON.stringify(digest)} is not sha256:<64 hex>`);
  return `blobs/sha256/${digest.slice(7)}`;
}

interface ImagePlan {
  configPath: string;
  layerPaths: string[];
  /** blob digests of the layers (OCI), used when the config has no diff_ids */
  layerDigests: Array<string | undefined>;
  notes: string[];
}

/** Finds the image's config and ordered layers, from manifest.json (docker) or index.json (OCI). */
function planImage(json: (path: string) => Buffer | undefined): ImagePlan {
  const notes: string[] = [];
  const manifestBytes = json('manifest.json');
  if (manifestBytes !== undefined) {
    const m = parseJson(manifestBytes, 'manifest.json');
    if (!Array.isArray(m) || m.length === 0 || !isObj(m[0])) throw new Error('manifest.json: expected a non-empty array of {Config, Layers}');
    if (m.length > 1) notes.push(`the archive holds ${m.length} images; the first (${JSON.stringify((m[0] as Record<string, unknown>).RepoTags ?? [])}) is audited`);
    const first = m[0] as Record<string, unknown>;
    if (typeof first.Config !== 'string') throw new Error('manifest.json: Config is missing');
    if (!Array.isArray(first.Layers) || !first.Layers.every((l) => typeof l === 'string')) throw new Error('manifest.json: Layers must be an array of paths');
    const layerPaths = (first.Layers as string[]).map(archiveName);
    return { configPath: archiveName(first.Config), layerPaths, layerDigests: layerPaths.map((p) => (BLOB_PATH.test(p) ? `sha256:${p.slice(13)}` : undefined)), notes };
  }
  const indexBytes = json('index.json');
  if (indexBytes === undefined) throw new Error('not an image: no manifest.json (docker save) or index.json (OCI layout)');
  let doc = parseJson(indexBytes, 'index.json');
  let where = 'index.json';
  for (let depth = 0; depth < 4; depth++) {
    if (!isObj(doc)) throw new Error(`${where}: expected an object`);
    if (Array.isArray(doc.manifests)) {
      const manifests = doc.manifests.filter(isObj);
      if (manifests.length === 0) throw new Error(`${where}: no manifests`);
      const pick = manifests.find((d) => isObj(d.platform) && d.platform.os === 'linux' && d.platform.architecture === 'amd64') ?? manifests[0]!;
      if (manifests.length > 1) notes.push(`${where} lists ${manifests.length} manifests; ${String(pick.digest)} is audited`);
      const p = blobPath(pick.digest, where);
      where = p;
      doc = parseJson(json(p), p);
      continue;
    }
    if (isObj(doc.config) && Array.isArray(doc.layers)) {
      const configPath = blobPath(doc.config.digest, `${where} config`);
      const layers = doc.layers.map((l) => (isObj(l) ? l.digest : undefined)).map((d, i) => blobPath(d, `${where} layers[${i}]`));
      return { configPath, layerPaths: layers, layerDigests: layers.map((p) => `sha256:${p.slice(13)}`), notes };
    }
    throw new Error(`${where}: neither an image index nor an image manifest`);
  }
  throw new Error('index.json: image indexes nested too deep');
}

function configFacts(cfg: unknown, notes: string[]): { config: ImageConfigFacts; diffIds: string[] } {
  if (!isObj(cfg)) throw new Error('image config: expected an object');
  const c = isObj(cfg.config) ? cfg.config : {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const env = Array.isArray(c.Env) ? c.Env.filter((e): e is string => typeof e === 'string') : [];
  const labels: Record<string, string> = {};
  if (isObj(c.Labels)) for (const [k, v] of Object.entries(c.Labels)) if (typeof v === 'string') labels[k] = v;
  const exposedPorts = isObj(c.ExposedPorts) ? Object.keys(c.ExposedPorts) : [];
  const hc = isObj(c.Healthcheck) && Array.isArray(c.Healthcheck.Test) ? c.Healthcheck.Test.filter((t): t is string => typeof t === 'string') : undefined;
  const history = Array.isArray(cfg.history)
    ? cfg.history.filter(isObj).map((h) => {
        const e: { createdBy?: string; emptyLayer: boolean } = { emptyLayer: h.empty_layer === true };
        const cb = str(h.created_by);
        if (cb !== undefined) e.createdBy = cb;
        return e;
      })
    : [];
  const rootfs = isObj(cfg.rootfs) ? cfg.rootfs : {};
  const diffIds = Array.isArray(rootfs.diff_ids) ? rootfs.diff_ids.filter((d): d is string => typeof d === 'string') : [];
  if (!Array.isArray(cfg.history)) notes.push('the image config has no history: layers cannot be tied to instructions');
  const config: ImageConfigFacts = { env, labels, exposedPorts, history };
  const user = str(c.User);
  if (user !== undefined) config.user = user;
  if (hc !== undefined) config.healthcheck = hc;
  return { config, diffIds };
}

/** Puts config, plan and scans together into ImageFacts. */
function assemble(name: string, scanOf: (path: string) => FilesystemScan | undefined, json: (p: string) => Buffer | undefined, base: { errors: string[]; notes: string[] }): ImageFacts {
  const facts: ImageFacts = { name, layers: [], errors: [...base.errors], notes: [...base.notes], final: new FinalView([]) };
  let plan: ImagePlan;
  try {
    plan = planImage(json);
  } catch (err) {
    facts.errors.push((err as Error).message);
    return facts;
  }
  facts.notes.push(...plan.notes);
  let diffIds: string[] = [];
  try {
    const parsed = configFacts(parseJson(json(plan.configPath), `image config ${plan.configPath}`), facts.notes);
    facts.config = parsed.config;
    diffIds = parsed.diffIds;
    facts.id = `sha256:${/[0-9a-f]{64}/.exec(plan.configPath)?.[0] ?? ''}`;
  } catch (err) {
    facts.errors.push((err as Error).message);
  }
  const layerHistory = facts.config?.history.filter((h) => !h.emptyLayer) ?? [];
  if (facts.config && layerHistory.length !== plan.layerPaths.length && facts.config.history.length > 0) {
    facts.notes.push(`the history lists ${layerHistory.length} layer-creating steps but the manifest has ${plan.layerPaths.length} layers: instructions may be misattributed`);
  }
  if (diffIds.length > 0 && diffIds.length !== plan.layerPaths.length) {
    facts.notes.push(`the config lists ${diffIds.length} layer diff ids but the manifest has ${plan.layerPaths.length} layers`);
  }
  const firstIndex = new Map<string, number>();
  plan.layerPaths.forEach((path, index) => {
    const layer: ImageLayerFacts = { index, digest: diffIds[index] ?? plan.layerDigests[index] ?? path, source: path };
    const createdBy = layerHistory[index]?.createdBy;
    // shown in every finding of the layer: build-arg values and tokens in it are redacted
    if (createdBy !== undefined) layer.createdBy = redactInstruction(createdBy);
    const dup = firstIndex.get(path);
    if (dup !== undefined) {
      layer.duplicateOf = dup;
      facts.notes.push(`layer ${index} (${path}) is the same blob as layer ${dup}`);
    } else {
      firstIndex.set(path, index);
    }
    const scan = scanOf(path);
    if (scan) layer.scan = scan;
    else layer.error = `the manifest lists ${path} but the image has no such layer`;
    facts.layers.push(layer);
  });
  facts.final = new FinalView(facts.layers.map((l) => l.scan));
  return facts;
}

/** A `docker save` stream (file or engine export), read once. */
export async function readImageArchiveStream(src: Readable, name: string, options: ImageReadOptions = {}): Promise<ImageFacts> {
  const contents = await readArchive(src, options);
  const resolve = (p: string) => {
    let cur = p;
    for (let i = 0; i < 8 && contents.links.has(cur); i++) cur = contents.links.get(cur)!;
    return cur;
  };
  return assemble(name, (p) => contents.scans.get(resolve(p)), (p) => contents.json.get(resolve(p)), contents);
}

/** An OCI image layout directory: JSON read whole, layer blobs streamed one at a time. */
export async function readOciLayoutDir(dir: string, name: string, options: ImageReadOptions = {}): Promise<ImageFacts> {
  const json = (p: string): Buffer | undefined => {
    const full = join(dir, p);
    try {
      const st = lstatSync(full);
      if (!st.isFile() || st.size > MAX_JSON_SIZE) return undefined;
      return readFileSync(full);
    } catch {
      return undefined;
    }
  };
  // plan first so layers are read in order; assemble() re-plans from the same small JSON
  let paths: string[] = [];
  try {
    paths = planImage(json).layerPaths;
  } catch {
    paths = [];
  }
  const scans = new Map<string, FilesystemScan>();
  let bytes = 0;
  let layers = 0;
  for (const p of new Set(paths)) {
    const full = join(dir, p);
    let size: number;
    try {
      const st = lstatSync(full);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue;
    }
    scans.set(p, await scanFilesystemTar(createReadStream(full, { highWaterMark: 1 << 20 }), options));
    bytes += size;
    layers++;
    options.onProgress?.({ bytes, layers });
  }
  return assemble(name, (p) => scans.get(p), json, { errors: [], notes: [] });
}

/**
 * A seekable, uncompressed archive file: its headers are indexed with positioned reads, the
 * small JSON documents read whole, and the layers the manifest lists scanned as independent
 * byte ranges (in worker threads where there are cores for it). Returns undefined when the
 * file is not a plain tar (gzip, corrupt): the one-pass stream path then reads it and reports
 * what is wrong.
 */
async function readSeekableArchive(path: string, size: number, options: ImageReadOptions): Promise<ImageFacts | undefined> {
  let index: TarIndexEntry[];
  try {
    index = indexTarFile(path, size);
  } catch {
    return undefined;
  }
  const notes: string[] = [];
  const byName = new Map<string, TarIndexEntry>();
  const links = new Map<string, string>();
  for (const e of index) {
    const name = archiveName(e.name);
    if (e.type === '2') {
      links.set(name, archiveName(posix.normalize(posix.join(posix.dirname(name), e.linkname))));
      continue;
    }
    if (e.type !== '0' && e.type !== '7') continue;
    if (byName.has(name)) notes.push(`the archive holds ${name} more than once; the last copy is used`);
    byName.set(name, e);
  }
  const resolve = (p: string) => {
    let cur = p;
    for (let i = 0; i < 8 && links.has(cur); i++) cur = links.get(cur)!;
    return cur;
  };
  const fd = openSync(path, 'r');
  const jsonCache = new Map<string, Buffer | undefined>();
  const json = (p: string): Buffer | undefined => {
    const name = resolve(p);
    if (jsonCache.has(name)) return jsonCache.get(name);
    const e = byName.get(name);
    let out: Buffer | undefined;
    if (e && e.size <= MAX_JSON_SIZE) {
      out = Buffer.alloc(e.size);
      readSync(fd, out, 0, e.size, e.offset);
    }
    jsonCache.set(name, out);
    return out;
  };
  try {
    let layerPaths: string[] = [];
    try {
      layerPaths = [...new Set(planImage(json).layerPaths.map(resolve))].filter((p) => byName.has(p));
    } catch {
      // assemble() reports the manifest problem
    }
    const ranges = layerPaths.map((p) => {
      const e = byName.get(p)!;
      return { path, start: e.offset, end: e.offset + e.size };
    });
    let bytes = 0;
    let layers = 0;
    const scanned = await scanRanges(ranges, {
      ...(options.maxFileSize === undefined ? {} : { maxFileSize: options.maxFileSize }),
      ...(options.workers === undefined ? {} : { workers: options.workers }),
      onDone: (i) => {
        bytes += ranges[i]!.end - ranges[i]!.start;
        layers++;
        options.onProgress?.({ bytes, layers });
      },
    });
    const scans = new Map(layerPaths.map((p, i) => [p, scanned[i]!]));
    return assemble(path, (p) => scans.get(resolve(p)), json, { errors: [], notes });
  } finally {
    closeSync(fd);
  }
}

/** A file (docker save tarball, possibly gzipped, or a tar of an OCI layout) or an OCI layout directory. */
export async function readImagePath(path: string, options: ImageReadOptions = {}): Promise<ImageFacts> {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new BulkheadError('not-found', `${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (st.isDirectory()) return readOciLayoutDir(path, path, options);
  if (st.isFile()) {
    const seekable = await readSeekableArchive(path, st.size, options);
    if (seekable) return seekable;
  }
  return readImageArchiveStream(createReadStream(path, { highWaterMark: 1 << 20 }), path, options);
}

/** An image in the engine, through the export stream (GET /images/{name}/get). */
export async function readImageFromEngine(engine: EngineClient, ref: string, options: ImageReadOptions = {}): Promise<ImageFacts> {
  const inspect = await engine.inspectImage(ref);
  const stream = await engine.exportImage(ref);
  const facts = await readImageArchiveStream(stream, ref, options);
  facts.id = inspect.Id;
  return facts;
}
