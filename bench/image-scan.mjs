// Image scan throughput and memory: (a) read + gunzip + tar parse of every layer with no
// rules, against (b) the full image audit (secrets, setuid hashes, final view, rules), on the
// same ~500 MB / ~50k-file docker-save archive (OCI-in-docker-save layout, gzip layers).
// Each side runs in its own child process (best of two), so peak RSS is its own.
// Targets: (b) >= 0.7 x (a) in MB/s; (b) peak RSS < 200 MB.
//
//   npm run build && node bench/image-scan.mjs [--size-mb 500] [--files 50000] [--regen] [--ref IMAGE|--no-ref]
//
// Then the same on a real image in the engine (default: the largest bulkhead-test/real-* image
// that scripts/real-images built; --ref picks another): (c) the engine's export stream read +
// tar parse with no rules, (d) the full audit by reference through the Engine API, and (e) the
// full audit of that image's `docker save` tarball on disk (the seekable path, worker threads).
//
// The archive is generated with tar-stream + zlib (no engine) into $TMPDIR/bulkhead-bench-image/
// and reused while its parameters match. Progress (bytes, layers) shows on a TTY only.
import { createHash, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGunzip, gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const tty = process.stderr.isTTY === true;
const progress = (s) => {
  if (tty) process.stderr.write(`\r\u001b[K${s}`);
};
const clearProgress = () => {
  if (tty) process.stderr.write('\r\u001b[K');
};

// ---- children: one measurement each, printed as JSON on stdout ----------------------------
if (args[0] === '--child') {
  const [, mode, file] = args;
  const t0 = performance.now();
  let bytes = 0;
  let files = 0;
  let findings = 0;
  if (mode === 'ref-raw') {
    // the export stream as the product reads it, outer and inner tars parsed, no rules
    const { connectEngine } = await import('../dist/engine/dockerode-client.js');
    const engine = await connectEngine();
    const outer = tar.extract();
    (await engine.exportImage(file)).pipe(outer);
    for await (const entry of outer) {
      if (!/(?:^|\/)layer\.tar$|^blobs\/sha256\/[0-9a-f]{64}$/.test(entry.header.name) || entry.header.size < 65536) {
        entry.resume();
        continue;
      }
      const inner = tar.extract();
      Readable.from(entry).pipe(inner);
      for await (const e of inner) {
        files++;
        for await (const chunk of e) bytes += chunk.length;
      }
    }
  } else if (mode === 'ref-full') {
    const { connectEngine } = await import('../dist/engine/dockerode-client.js');
    const { readImageFromEngine } = await import('../dist/audit/image/read-image.js');
    const { imageTargetResult } = await import('../dist/audit/image/audit.js');
    const facts = await readImageFromEngine(await connectEngine(), file);
    const target = imageTargetResult(facts);
    bytes = Number(target.properties?.bytesScanned ?? 0);
    files = Number(target.properties?.files ?? 0);
    findings = target.findings.length;
    if (target.errors.length) throw new Error(target.errors.map((e) => e.message).join('; '));
  } else if (mode === 'raw') {
    const outer = tar.extract();
    createReadStream(file, { highWaterMark: 1 << 20 }).pipe(outer);
    let layers = 0;
    for await (const entry of outer) {
      if (!/^blobs\/sha256\/[0-9a-f]{64}$/.test(entry.header.name) || entry.header.size < 65536) {
        // config, manifest and index blobs are small JSON; layers here are megabytes
        entry.resume();
        continue;
      }
      const inner = tar.extract();
      // same zlib settings as the product (src/audit/image/decompress.ts), so only the scanning differs
      Readable.from(entry).pipe(createGunzip({ chunkSize: 256 * 1024, highWaterMark: 1 << 20 })).pipe(inner);
      for await (const e of inner) {
        files++;
        for await (const chunk of e) bytes += chunk.length;
      }
      layers++;
      progress(`raw: ${layers} layers`);
    }
  } else {
    const { readImagePath } = await import('../dist/audit/image/read-image.js');
    const { imageTargetResult } = await import('../dist/audit/image/audit.js');
    const facts = await readImagePath(file, { onProgress: (p) => progress(`audit: ${(p.bytes / 1e6).toFixed(0)} MB, ${p.layers} layers`) });
    const target = imageTargetResult(facts);
    bytes = Number(target.properties?.bytesScanned ?? 0);
    files = Number(target.properties?.files ?? 0);
    findings = target.findings.length;
    if (target.errors.length) throw new Error(target.errors.map((e) => e.message).join('; '));
  }
  clearProgress();
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ ms, bytes, files, findings, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\n');
  process.exit(0);
}

// ---- the archive ----------------------------------------------------------------------------
const sizeMb = Number(opt('--size-mb', '500'));
const fileCount = Number(opt('--files', '50000'));
const LAYERS = 10;
const dir = join(tmpdir(), 'bulkhead-bench-image');
const archive = join(dir, `image-${sizeMb}mb-${fileCount}.tar`);

/** Deterministic PRNG (mulberry32): the same archive every time. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * ~4 MiB of source-like text: identifiers, comments, URLs, and now and then a line that reads
 * a password or sends a bearer token (about one keyword per 1-2 KB: denser than the TypeScript
 * compiler's lib, about one per 18 KB, so the generic rules do real work).
 */
function textPool(rand) {
  const words = ['const', 'let', 'return', 'function', 'import', 'from', 'value', 'config', 'request', 'response', 'user', 'name', 'session', 'handler', 'error', 'result', 'data', 'items', 'index', 'length', 'options', 'client', 'server', 'path', 'file', 'buffer', 'stream', 'count', 'state', 'cache'];
  const templates = [
    (w) => `  const ${w()}${w()} = await ${w()}.${w()}(${w()}, ${w()});`,
    (w) => `  if (!${w()}) throw new Error('${w()} ${w()} is missing');`,
    (w) => `  // ${w()} the ${w()} before ${w()} so the ${w()} stays ${w()}`,
    (w) => `export function ${w()}${w()}(${w()}: string, ${w()}: number): boolean {`,
    (w) => `  ${w()}.${w()} = ${w()}.${w()} ?? ${Math.floor(rand() * 1000)};`,
    (w) => `  // see https://example.com/docs/${w()}/${w()}#${w()}`,
    () => '}',
    () => '',
  ];
  const rare = [
    (w) => `  const password = process.env.${w().toUpperCase()}_PASSWORD;`,
    (w) => `  headers: { Authorization: \`Bearer \${${w()}.token}\` },`,
    (w) => `  const secret = await vault.read('${w()}/${w()}');`,
  ];
  const w = () => words[Math.floor(rand() * words.length)];
  const lines = [];
  let n = 0;
  while (n < 4 * 1024 * 1024) {
    const l = rand() < 0.03 ? rare[Math.floor(rand() * rare.length)](w) : templates[Math.floor(rand() * templates.length)](w);
    lines.push(l);
    n += l.length + 1;
  }
  return Buffer.from(lines.join('\n'));
}

/** ~4 MiB of binary-like bytes: repeated "instruction" blocks (compress ~2-3x like real binaries), NULs. */
function binaryPool(rand) {
  const blocks = Array.from({ length: 2048 }, () => {
    const b = randomBytes(32);
    b[3] = 0;
    b[17] = 0;
    return b;
  });
  const out = Buffer.alloc(4 * 1024 * 1024);
  for (let o = 0; o < out.length; o += 32) blocks[Math.floor(rand() * blocks.length)].copy(out, o);
  return out;
}

const SIZES = [256, 1024, 2048, 4096, 8192, 16384, 32768, 131072, 524288];
const WEIGHTS = [10, 20, 20, 16, 12, 9, 7, 4, 2];

async function packLayer(entries) {
  const pack = tar.pack();
  const chunks = [];
  const done = new Promise((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const e of entries) pack.entry(e.header, e.body);
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function generate() {
  mkdirSync(dir, { recursive: true });
  const rand = rng(42);
  const text = textPool(rand);
  const bin = binaryPool(rand);
  const totalWeight = WEIGHTS.reduce((a, b) => a + b, 0);
  const meanSize = SIZES.reduce((a, s, i) => a + (s * WEIGHTS[i]) / totalWeight, 0);
  // scale sizes so the files add up to the target
  const scale = (sizeMb * 1e6) / (fileCount * meanSize);
  const pick = () => {
    let r = rand() * totalWeight;
    for (let i = 0; i < SIZES.length; i++) if ((r -= WEIGHTS[i]) < 0) return Math.max(1, Math.round(SIZES[i] * scale * (0.5 + rand())));
    return SIZES[0];
  };
  const out = tar.pack();
  const ws = createWriteStream(archive + '.tmp');
  const written = new Promise((resolve, reject) => {
    ws.on('finish', resolve);
    ws.on('error', reject);
  });
  out.pipe(ws);
  const add = (name, body) => new Promise((resolve, reject) => out.entry({ name, size: body.length, mtime: new Date(0) }, body, (err) => (err ? reject(err) : resolve())));
  const diffIds = [];
  const layerDescs = [];
  const perLayer = Math.ceil(fileCount / LAYERS);
  for (let l = 0; l < LAYERS; l++) {
    const entries = [{ header: { name: `layer${l}/`, type: 'directory', mode: 0o755 }, body: '' }];
    for (let f = 0; f < perLayer; f++) {
      const size = pick();
      const isText = rand() < 0.6;
      const pool = isText ? text : bin;
      const start = Math.floor(rand() * (pool.length - Math.min(size, pool.length - 1)));
      let body = pool.subarray(start, start + Math.min(size, pool.length - start));
      if (size > body.length) body = Buffer.concat([body, pool.subarray(0, size - body.length)]);
      // a few real findings so the rules have something to report
      if (l === 3 && f === 7) body = Buffer.from(`GITHUB_TOKEN=ghp_${createHash('sha256').update('bench').digest('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, 36)}\n`);
      const mode = l === 5 && f === 11 ? 0o4755 : 0o644;
      entries.push({ header: { name: `layer${l}/d${f % 100}/f${f}.${isText ? 'ts' : 'bin'}`, mode, size: body.length, mtime: new Date(0) }, body });
    }
    const layerTar = await packLayer(entries);
    diffIds.push(`sha256:${createHash('sha256').update(layerTar).digest('hex')}`);
    const gz = gzipSync(layerTar, { level: 1 });
    const hex = createHash('sha256').update(gz).digest('hex');
    layerDescs.push({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${hex}`, size: gz.length });
    await add(`blobs/sha256/${hex}`, gz);
    progress(`generating: layer ${l + 1}/${LAYERS}`);
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { User: '1000', Healthcheck: { Test: ['CMD', 'true'] } }, rootfs: { type: 'layers', diff_ids: diffIds }, history: diffIds.map((_d, i) => ({ created_by: `COPY layer${i} /layer${i}` })) }));
  const configHex = createHash('sha256').update(config).digest('hex');
  await add(`blobs/sha256/${configHex}`, config);
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${configHex}`, size: config.length }, layers: layerDescs }));
  const manifestHex = createHash('sha256').update(manifest).digest('hex');
  await add(`blobs/sha256/${manifestHex}`, manifest);
  await add('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${manifestHex}`, size: manifest.length }] })));
  await add('manifest.json', Buffer.from(JSON.stringify([{ Config: `blobs/sha256/${configHex}`, RepoTags: ['bench:latest'], Layers: layerDescs.map((d) => `blobs/sha256/${d.digest.slice(7)}`) }])));
  out.finalize();
  await written;
  clearProgress();
  renameSync(archive + '.tmp', archive); // only complete archives are reused
}

if (!existsSync(new URL('../dist/audit/image/read-image.js', import.meta.url))) {
  console.error('bench/image-scan: run `npm run build` first (dist/ is missing)');
  process.exit(2);
}
if (args.includes('--regen') || !existsSync(archive)) {
  const t = performance.now();
  await generate();
  console.log(`generated ${archive} in ${((performance.now() - t) / 1000).toFixed(1)} s`);
}
const archiveMb = statSync(archive).size / 1e6;

function child(mode, file = archive) {
  const r = spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--child', mode, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`${mode} child failed (${r.status}): ${r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const best = (a, b) => (a.ms <= b.ms ? a : b);
const raw = best(child('raw'), child('raw'));
const full = best(child('full'), child('full'));
const mbps = (r) => archiveMb / (r.ms / 1000);
const ratio = mbps(full) / mbps(raw);
console.log(`archive: ${archiveMb.toFixed(0)} MB on disk, ${(raw.bytes / 1e6).toFixed(0)} MB in ${raw.files} layer entries (${LAYERS} gzip layers)`);
console.log(`(a) read + gunzip + tar parse, no rules: ${mbps(raw).toFixed(0)} MB/s  (${(raw.ms / 1000).toFixed(2)} s, peak RSS ${raw.maxRssMb.toFixed(0)} MB)`);
console.log(`(b) full image audit:                    ${mbps(full).toFixed(0)} MB/s  (${(full.ms / 1000).toFixed(2)} s, peak RSS ${full.maxRssMb.toFixed(0)} MB, ${full.files} files, ${full.findings} findings)`);
console.log(`ratio (b)/(a): ${ratio.toFixed(2)} (target >= 0.70) ${ratio >= 0.7 ? 'OK' : 'BELOW TARGET'}`);
console.log(`peak RSS (b): ${full.maxRssMb.toFixed(0)} MB (target < 200 MB) ${full.maxRssMb < 200 ? 'OK' : 'ABOVE TARGET'}`);

// ---- a real image from the engine ---------------------------------------------------------
/** The largest bulkhead-test/real-* image, through the Engine API (no docker CLI). */
async function largestRealImage() {
  const { connectEngine } = await import('../dist/engine/dockerode-client.js');
  let engine;
  try {
    engine = await connectEngine();
    const images = await engine.listImages();
    const real = images.filter((i) => (i.RepoTags ?? []).some((t) => t.startsWith('bulkhead-test/real-'))).sort((a, b) => b.Size - a.Size);
    return real[0] ? { ref: real[0].RepoTags.find((t) => t.startsWith('bulkhead-test/real-')), size: real[0].Size } : undefined;
  } catch (err) {
    console.log(`real image: skipped, no engine answers (${err.message})`);
    return undefined;
  }
}


if (!args.includes('--no-ref')) {
  const picked = opt('--ref') ? { ref: opt('--ref') } : await largestRealImage();
  if (!picked) {
    console.log('real image: none found (run scripts/real-images, or pass --ref IMAGE)');
  } else {
    const { ref } = picked;
    const rawRef = best(child('ref-raw', ref), child('ref-raw', ref));
    const fullRef = best(child('ref-full', ref), child('ref-full', ref));
    const mb = rawRef.bytes / 1e6;
    const rate = (r) => mb / (r.ms / 1000);
    console.log(`real image ${ref}: ${mb.toFixed(0)} MB in ${rawRef.files} layer entries`);
    console.log(`(c) export stream + tar parse, no rules: ${rate(rawRef).toFixed(0)} MB/s  (${(rawRef.ms / 1000).toFixed(2)} s, peak RSS ${rawRef.maxRssMb.toFixed(0)} MB)`);
    console.log(`(d) full audit by reference:           ${rate(fullRef).toFixed(0)} MB/s  (${(fullRef.ms / 1000).toFixed(2)} s, peak RSS ${fullRef.maxRssMb.toFixed(0)} MB, ${fullRef.findings} findings)`);
    console.log(`ratio (d)/(c): ${(rate(fullRef) / rate(rawRef)).toFixed(2)}; peak RSS (d): ${fullRef.maxRssMb.toFixed(0)} MB (target < 200 MB) ${fullRef.maxRssMb < 200 ? 'OK' : 'ABOVE TARGET'}`);
    // the same image as a docker save tarball on disk: the seekable path with worker threads
    const saved = join(dir, `real-${ref.replace(/[^A-Za-z0-9_.-]+/g, '_')}.tar`);
    if (!existsSync(saved)) {
      const { connectEngine } = await import('../dist/engine/dockerode-client.js');
      const { pipeline } = await import('node:stream/promises');
      mkdirSync(dir, { recursive: true });
      await pipeline(await (await connectEngine()).exportImage(ref), createWriteStream(saved + '.tmp'));
      renameSync(saved + '.tmp', saved);
    }
    const fullFile = best(child('full', saved), child('full', saved));
    console.log(`(e) full audit of its docker save tarball: ${(mb / (fullFile.ms / 1000)).toFixed(0)} MB/s  (${(fullFile.ms / 1000).toFixed(2)} s, peak RSS ${fullFile.maxRssMb.toFixed(0)} MB) ${fullFile.maxRssMb < 200 ? 'OK' : 'ABOVE TARGET'}`);
  }
}

