// Secret detector precision on real trees: walks directories, runs the built detector
// (dist/audit/secrets) on every text file as the image scan does (scanBytes with the path and
// line numbers, first 10 MiB, files with a NUL in the first 8 KiB skipped), and prints the
// findings by severity and kind. Stock distro and runtime content should give no high or
// critical finding other than key material that is really there.
//
//   npm run build && node bench/secrets-precision.mjs [--list high] [--json] [--root R] DIR...
//
// --list SEV prints each finding at SEV or above (path:line kind evidence; evidence is
// redacted). --root R: the detector sees paths relative to R as absolute paths, as in an image
// (a tree unpacked at /tmp/x with --root /tmp/x: /tmp/x/etc/app.ini is /etc/app.ini).
// Symlinks are not followed.
import { lstatSync, openSync, readSync, closeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import { performance } from 'node:perf_hooks';

const { scanBytes, looksBinary } = await import('../dist/audit/secrets/index.js');

const args = process.argv.slice(2);
let listAt;
let json = false;
let root = '';
const roots = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--list') listAt = args[++i];
  else if (args[i] === '--json') json = true;
  else if (args[i] === '--root') root = args[++i].replace(/\/+$/, '');
  else roots.push(args[i]);
}
if (roots.length === 0) {
  process.stderr.write('usage: node bench/secrets-precision.mjs [--list SEV] [--json] DIR...\n');
  process.exit(2);
}
const ORDER = ['info', 'low', 'medium', 'high', 'critical'];
const MAX = 10 * 1024 * 1024;
const buf = Buffer.allocUnsafe(MAX);

const bySeverity = Object.fromEntries(ORDER.map((s) => [s, 0]));
const byKind = new Map();
const listed = [];
let files = 0;
let bytes = 0;

function scanFile(path) {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch {
    return;
  }
  let n = 0;
  try {
    for (let r; n < MAX && (r = readSync(fd, buf, n, MAX - n, null)) > 0; ) n += r;
  } finally {
    closeSync(fd);
  }
  const content = buf.subarray(0, n);
  files++;
  bytes += n;
  if (looksBinary(content)) return;
  const imagePath = root && path.startsWith(root + '/') ? path.slice(root.length) : path;
  for (const m of scanBytes(content, { path: imagePath, lines: true })) {
    bySeverity[m.severity]++;
    const k = `${m.severity} ${m.kind}`;
    byKind.set(k, (byKind.get(k) ?? 0) + 1);
    if (listAt && ORDER.indexOf(m.severity) >= ORDER.indexOf(listAt)) listed.push(`${m.severity}\t${imagePath}:${m.line ?? ''}\t${m.kind}\t${m.redacted}${m.fixture ? `\tfixture of ${m.fixture.package}` : ''}`);
  }
}

function walk(dir) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const p = join(dir, name);
    let st;
    try {
      st = lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p);
    else if (st.isFile()) scanFile(p);
  }
}

const t0 = performance.now();
for (const r of roots) {
  const st = lstatSync(r);
  if (st.isDirectory()) walk(r);
  else scanFile(r);
}
const ms = performance.now() - t0;
const kinds = [...byKind].sort((a, b) => ORDER.indexOf(b[0].split(' ')[0]) - ORDER.indexOf(a[0].split(' ')[0]) || b[1] - a[1]);
if (json) {
  process.stdout.write(JSON.stringify({ roots, files, bytes, ms: Math.round(ms), bySeverity, byKind: Object.fromEntries(kinds) }) + '\n');
} else {
  process.stdout.write(`${roots.join(' ')}: ${files} files, ${(bytes / 1e6).toFixed(1)} MB, ${(ms / 1000).toFixed(1)} s\n`);
  process.stdout.write(`  by severity: ${ORDER.slice().reverse().map((s) => `${s} ${bySeverity[s]}`).join(', ')}\n`);
  for (const [k, n] of kinds) process.stdout.write(`  ${String(n).padStart(5)}  ${k}\n`);
  for (const l of listed) process.stdout.write(`${l}\n`);
}
