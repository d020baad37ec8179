/**
 * The filesystem scanner: one tar stream (one image layer, or a container's exported
 * filesystem) read once, in bounded memory, into facts the rules read. Nothing is written to
 * disk and nothing is followed: links are recorded, never resolved.
 *
 * Shape of the result (FilesystemScan):
 * - entries: every entry but whiteout markers: path (normalized, absolute, "/etc/passwd"),
 *   type, mode (permission bits only, 0o7777: setuid 0o4000 / setgid 0o2000 / sticky 0o1000;
 *   some writers put the file type in the tar mode too, 0o100000 for a regular file, and it is
 *   dropped here), uid, gid, size, linkname for links.
 * - specialFiles: setuid/setgid regular files, with the sha256 of their content.
 * - hashedFiles: the sha256 of every regular file in a program directory (PROGRAM_DIRS) and of
 *   every setuid/setgid file, hard links included: what IM001 compares setuid files against.
 * - worldWritable: regular files and directories writable by others (directories only without
 *   the sticky bit). Symlinks are always 0777, and device nodes, fifos and sockets are IM014's
 *   (a device in a layer is the finding, not its mode): all are left out.
 * - secrets: SecretMatch + path, from file contents (first --max-file-size bytes of each
 *   text file, in windows with overlap) and from file names (shell histories); a match from
 *   content carries the sha256 of the whole file, for the gate's secret allowlist.
 * - whiteouts: paths this layer deletes (`.wh.<name>`) and opaque directories (`.wh..wh..opq`).
 * - sensitive: /etc/shadow with usable password hashes, ~/.ssh/authorized_keys, .git/ dirs.
 * - anomalies: entries a careful reader should not trust (`..`, absolute names, links that
 *   point outside the root, hard links), reported, never acted on.
 * - errors: why the stream could not be read to its end (truncated tar, corrupt gzip), as
 *   data: everything read before the error is kept.
 */
import { createHash, type Hash } from 'node:crypto';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { passwdUids } from '../../users.js';
import { fileContext, shebangOf, looksBinary, scanBytes, scanText, type FileContext, type SecretMatch } from '../secrets/index.js';
import { openLayer, type LayerCompression } from './decompress.js';
import { PROGRAM_DIRS } from './data/programs.js';

export type EntryType = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface LayerEntry {
  path: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  uname?: string;
  linkname?: string;
}

export interface SpecialFile extends LayerEntry {
  setuid: boolean;
  setgid: boolean;
  /** hex sha256 of the content (undefined when the stream ended before the file did) */
  sha256?: string;
}

export interface FileSecret extends SecretMatch {
  path: string;
  /** hex sha256 of the whole file the match is in (undefined for an empty file matched by its name) */
  fileSha256?: string;
}

export interface HashedFile {
  path: string;
  /** hex sha256 of the content */
  sha256: string;
}

export interface Whiteout {
  /** the path deleted (for opaque: the directory whose lower contents are hidden) */
  path: string;
  opaque: boolean;
}

export type SensitiveKind = 'shadow-password-hash' | 'authorized-keys' | 'git-directory';

export interface SensitiveFile {
  path: string;
  kind: SensitiveKind;
  /** never secret material: user names, counts */
  detail: string;
}

export type AnomalyKind = 'path-traversal' | 'absolute-path' | 'link-outside-root' | 'device-file';

export interface ScanAnomaly {
  kind: AnomalyKind;
  path: string;
  message: string;
}

export interface FilesystemScan {
  compression: LayerCompression | string;
  entries: LayerEntry[];
  specialFiles: SpecialFile[];
  hashedFiles: HashedFile[];
  worldWritable: LayerEntry[];
  secrets: FileSecret[];
  whiteouts: Whiteout[];
  sensitive: SensitiveFile[];
  /** the names that are uid 0 in this layer's /etc/passwd, when the layer has one (names only) */
  passwdRootNames?: string[];
  anomalies: ScanAnomaly[];
  /** uncompressed content bytes seen */
  bytes: number;
  errors: Array<{ message: string; path?: string }>;
  /** set when the layer could not be decompressed at all (e.g. xz) */
  unsupported?: string;
}

export interface ScanOptions {
  /** bytes of each file scanned for secrets; the rest is skipped (default 10 MiB) */
  maxFileSize?: number;
}

export const DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024;
/** Files up to this size are scanned whole (with line numbers); bigger ones in windows. */
const WHOLE_FILE_LIMIT = 1024 * 1024;
/** Window overlap: longer than any single secret pattern match we look for. */
const OVERLAP = 4096;
/** At most this many anomalies of one kind per layer are kept (100k `..` entries is one problem). */
const MAX_ANOMALIES_PER_KIND = 20;

/**
 * Whether a tar name is already normal: relative, no empty, `.` or `..` segment (a trailing
 * `/` is fine). Most are (`usr/bin/ls`, `etc/`), and need no split and join.
 */
function isCleanName(name: string): boolean {
  const n = name.length;
  if (n === 0) return false;
  let segStart = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && name.charCodeAt(i) !== 0x2f /* / */) continue;
    const len = i - segStart;
    if (len === 0) return i === n && i > 0; // "a//b" or a leading "/": not clean; "a/" is
    if (name.charCodeAt(segStart) === 0x2e /* . */ && (len === 1 || (len === 2 && name.charCodeAt(segStart + 1) === 0x2e))) return false;
    segStart = i + 1;
  }
  return true;
}

/** "./a/../b", "/b", "b/" -> "/b"; `..` never climbs above the root. */
export function normalizeEntryPath(name: string): { path: string; traversal: boolean; absolute: boolean } {
  if (isCleanName(name)) return { path: `/${name.endsWith('/') ? name.slice(0, -1) : name}`, traversal: false, absolute: false };
  const absolute = name.startsWith('/');
  const out: string[] = [];
  let traversal = false;
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      traversal = true;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return { path: `/${out.join('/')}`, traversal, absolute };
}

/** Whether a relative link target climbs above the root from `dir`. */
export function escapesRoot(dir: string, linkname: string): boolean {
  let depth = dir.split('/').filter((p) => p !== '' && p !== '.').length;
  for (const part of linkname.split('/')) {
    if (part === '' || part === '.') continue;
    depth += part === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}

function entryType(t: string | null | undefined): EntryType {
  switch (t) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'directory';
    case 'symlink':
      return 'symlink';
    case 'link':
      return 'hardlink';
    default:
      return 'other';
  }
}

const AUTHORIZED_KEYS = /^\/(?:root|home\/[^/]+)\/\.ssh\/authorized_keys2?$/;

/** The user names an /etc/passwd text gives uid 0 (root, and any alias of it), as runc reads it. */
export function uidZeroNames(passwd: string): string[] {
  return [...passwdUids(passwd)].filter(([, uid]) => uid === 0).map(([name]) => name);
}

/** Users in an /etc/shadow text who can log in with a password: a usable hash, or an empty field (no password at all). Locked (!...) and disabled (*) are fine. */
export function usableShadowHashes(text: string): string[] {
  const users: string[] = [];
  for (const line of text.split('\n')) {
    const [user, hash] = line.split(':');
    if (!user || hash === undefined) continue;
    if (hash.startsWith('!') || hash.startsWith('*') || hash === 'x') continue;
    users.push(user);
  }
  return users;
}

class Collector {
  readonly scan: FilesystemScan;
  private readonly anomalyCounts = new Map<AnomalyKind, number>();
  private readonly gitDirs = new Set<string>();
  constructor(compression: LayerCompression | string) {
    this.scan = { compression, entries: [], specialFiles: [], hashedFiles: [], worldWritable: [], secrets: [], whiteouts: [], sensitive: [], anomalies: [], bytes: 0, errors: [] };
  }
  /** sha256 by path of this layer's hashed files: a hard link's target comes before the link */
  readonly hashes = new Map<string, string>();
  hashed(path: string, sha256: string): void {
    this.hashes.set(path, sha256);
    this.scan.hashedFiles.push({ path, sha256 });
  }
  anomaly(kind: AnomalyKind, path: string, message: string): void {
    const n = this.anomalyCounts.get(kind) ?? 0;
    this.anomalyCounts.set(kind, n + 1);
    if (n < MAX_ANOMALIES_PER_KIND) this.scan.anomalies.push({ kind, path, message });
  }
  gitDir(path: string): void {
    const i = path.indexOf('/.git/');
    const dir = i >= 0 ? path.slice(0, i + 5) : path.endsWith('/.git') ? path : undefined;
    if (dir === undefined || this.gitDirs.has(dir)) return;
    this.gitDirs.add(dir);
    this.scan.sensitive.push({ path: dir, kind: 'git-directory', detail: 'a .git directory (history, remotes, possibly credentials)' });
  }
}

/** Bytes looked at to call a file binary (see looksBinary). */
const BINARY_SNIFF = 8192;
/** Joined windows up to this size reuse one buffer per thread; bigger ones are allocated. */
const JOIN_REUSE_LIMIT = 4 * 1024 * 1024;
let joinScratch = Buffer.allocUnsafe(0);

/**
 * A file's chunks as one buffer. Scanning is synchronous, so one scratch buffer per thread is
 * enough: what it holds is used before the next chunk arrives (nothing keeps a reference to
 * it), and the allocation and GC of a fresh concat per file (most bytes cross a chunk) go.
 */
function joinParts(parts: Buffer[], total: number): Buffer {
  if (parts.length === 1) return parts[0]!;
  if (total > JOIN_REUSE_LIMIT) return Buffer.concat(parts, total);
  if (joinScratch.length < total) joinScratch = Buffer.allocUnsafe(Math.min(JOIN_REUSE_LIMIT, Math.max(total, joinScratch.length * 2)));
  let at = 0;
  for (const p of parts) {
    joinScratch.set(p, at);
    at += p.length;
  }
  return joinScratch.subarray(0, total);
}

/**
 * One file's content, pushed chunk by chunk (the entry stream's data events): secrets in
 * windows, sha256 when asked, whole text for /etc/shadow. Small synchronous methods rather than
 * one async function per file: cheaper for V8 to optimize, which each thread does on its own.
 */
class ContentScan {
  private hash: Hash | undefined;
  private readonly whole: boolean;
  /** secrets found before this file: the ones after it are this file's */
  private readonly secretsBefore: number;
  private parts: Buffer[] = [];
  private held = 0;
  private seen = 0;
  private binary: boolean | undefined;
  /** absolute offset of parts[0] */
  private windowStart = 0;
  private reported: Set<number> | undefined;
  /** the file's kind for the secret rules, from its path and first bytes (big files: set by the first window) */
  private context: FileContext | undefined;

  constructor(
    private readonly entry: LayerEntry,
    private readonly wantHash: boolean,
    private readonly maxFileSize: number,
    private readonly c: Collector,
  ) {
    this.whole = entry.size <= WHOLE_FILE_LIMIT;
    // a secret's file is hashed for the allowlist: a small file from the bytes held at the end,
    // one read in windows (or cut at maxFileSize) as it streams, since its bytes are gone by then
    this.hash = wantHash || !this.whole || entry.size > maxFileSize ? createHash('sha256') : undefined;
    this.secretsBefore = c.scan.secrets.length;
  }

  /** A binary file is never scanned for secrets: its hash is kept only when asked for. */
  private isBinary(): void {
    if (!this.wantHash) this.hash = undefined;
  }

  push(chunk: Buffer): void {
    this.c.scan.bytes += chunk.length;
    this.hash?.update(chunk);
    const seen = this.seen;
    this.seen += chunk.length;
    if (seen >= this.maxFileSize || this.binary === true) return;
    const take = seen + chunk.length > this.maxFileSize ? chunk.subarray(0, this.maxFileSize - seen) : chunk;
    // binary or not from the first chunk when it holds the bytes looksBinary reads: a binary
    // file's later chunks are then neither kept nor joined
    if (this.binary === undefined && this.parts.length === 0 && (take.length >= BINARY_SNIFF || this.seen >= this.entry.size)) {
      this.binary = looksBinary(take);
      if (this.binary) return this.isBinary();
    }
    this.parts.push(take);
    this.held += take.length;
    if (!this.whole && this.held >= WHOLE_FILE_LIMIT) {
      const buf = joinParts(this.parts, this.held);
      this.scanWindow(buf, false);
      const tail = buf.subarray(Math.max(0, buf.length - OVERLAP));
      this.windowStart += buf.length - tail.length;
      this.parts = [Buffer.from(tail)];
      this.held = tail.length;
    }
  }

  /** After the last chunk: the last window, /etc/shadow, and the hash (hex) when asked. */
  finish(): string | undefined {
    const { entry, c } = this;
    let buf: Buffer | undefined;
    if (this.held > 0 && this.binary !== true) {
      buf = joinParts(this.parts, this.held);
      this.scanWindow(buf, true);
      if (entry.path === '/etc/passwd') c.scan.passwdRootNames = uidZeroNames(buf.toString('latin1'));
      if (entry.path === '/etc/shadow') {
        const users = usableShadowHashes(buf.toString('latin1'));
        if (users.length) c.scan.sensitive.push({ path: entry.path, kind: 'shadow-password-hash', detail: `usable password hashes or empty passwords for: ${users.join(', ')}` });
      }
    } else if (this.whole && entry.size === 0) {
      // empty files still count by name (an empty .bash_history says little, but is there)
      for (const m of scanText('', { path: entry.path })) c.scan.secrets.push({ ...m, path: entry.path });
    }
    const digest = this.hash?.digest('hex');
    if (c.scan.secrets.length > this.secretsBefore) {
      const whole = buf !== undefined && this.seen === entry.size && buf.length === entry.size;
      const sha = digest ?? (whole ? createHash('sha256').update(buf!).digest('hex') : undefined);
      if (sha !== undefined) for (let i = this.secretsBefore; i < c.scan.secrets.length; i++) c.scan.secrets[i]!.fileSha256 = sha;
    }
    return this.wantHash ? digest : undefined;
  }

  private scanWindow(buf: Buffer, final: boolean): void {
    const { entry, c } = this;
    this.binary ??= looksBinary(buf);
    if (this.binary) return this.isBinary();
    if (this.whole) {
      for (const m of scanBytes(buf, { path: entry.path, lines: true })) c.scan.secrets.push({ ...m, path: entry.path });
      return;
    }
    const reported = (this.reported ??= new Set<number>());
    this.context ??= fileContext(entry.path, shebangOf(buf));
    for (const m of scanBytes(buf, { path: entry.path, context: this.context })) {
      const abs = this.windowStart + (m.start ?? 0);
      if (reported.has(abs)) continue;
      // a match starting inside the overlap is found again, whole, by the next window (which
      // begins with the overlap); one starting before it is complete here (matches < OVERLAP)
      if (!final && (m.start ?? 0) >= buf.length - OVERLAP) continue;
      reported.add(abs);
      c.scan.secrets.push({ ...m, start: abs, end: this.windowStart + (m.end ?? 0), path: entry.path });
    }
  }
}

/** What the read loop does with an entry after its header is recorded. */
interface EntryPlan {
  path: string;
  whiteout?: boolean;
  /** a regular file whose content is read: its entry, whether it is setuid/setgid, and whether it needs a sha256 */
  file?: LayerEntry;
  special?: boolean;
  hash?: boolean;
}

const PROGRAM_DIR_SET = new Set(PROGRAM_DIRS);
const inProgramDir = (path: string): boolean => PROGRAM_DIR_SET.has(path.slice(0, path.lastIndexOf('/')));

/** Records one tar header's facts (entries, whiteouts, anomalies, modes, sensitive paths). */
function recordHeader(c: Collector, h: tar.Header): EntryPlan {
  const norm = normalizeEntryPath(h.name);
  const path = norm.path;
  if (norm.traversal) c.anomaly('path-traversal', path, `entry name "${h.name}" contains ".." (read as ${path})`);
  else if (norm.absolute) c.anomaly('absolute-path', path, `entry name "${h.name}" is absolute`);
  const base = path.slice(path.lastIndexOf('/') + 1); // posix.basename of a normalized path
  if (base.startsWith('.wh.')) {
    const dir = posix.dirname(path);
    if (base === '.wh..wh..opq') c.scan.whiteouts.push({ path: dir, opaque: true });
    else c.scan.whiteouts.push({ path: posix.join(dir, base.slice(4)), opaque: false });
    return { path, whiteout: true };
  }
  const type = entryType(h.type);
  const le: LayerEntry = { path, type, mode: (h.mode ?? 0) & 0o7777, uid: h.uid ?? 0, gid: h.gid ?? 0, size: h.size ?? 0 };
  if (h.uname) le.uname = h.uname;
  if (h.linkname) le.linkname = h.linkname;
  c.scan.entries.push(le);
  if (path.includes('/.git/') || path.endsWith('/.git')) c.gitDir(path);
  if (type === 'symlink' && h.linkname && !h.linkname.startsWith('/') && escapesRoot(posix.dirname(path), h.linkname)) {
    c.anomaly('link-outside-root', path, `symlink ${path} -> ${h.linkname} points above the root`);
  }
  if (type === 'hardlink' && h.linkname && escapesRoot('/', h.linkname)) {
    c.anomaly('link-outside-root', path, `hard link ${path} -> ${h.linkname} points above the root`);
  }
  if (type === 'other' && (h.type === 'block-device' || h.type === 'character-device')) {
    c.anomaly('device-file', path, `${h.type} ${path} in the image`);
  }
  const mode = le.mode;
  const regular = type === 'file' || type === 'hardlink';
  if ((regular || type === 'directory') && (mode & 0o002) !== 0 && !(type === 'directory' && (mode & 0o1000) !== 0)) c.scan.worldWritable.push(le);
  if (type === 'file' && le.size > 0 && AUTHORIZED_KEYS.test(path)) {
    c.scan.sensitive.push({ path, kind: 'authorized-keys', detail: `${le.size} bytes of authorized keys` });
  }
  const special = (mode & 0o6000) !== 0;
  if (type === 'file') return { path, file: le, special, hash: special || inProgramDir(path) };
  if (type === 'hardlink') {
    // the same content as its target, read earlier in this layer when it was hashed
    const sha256 = h.linkname ? c.hashes.get(normalizeEntryPath(h.linkname).path) : undefined;
    if (sha256 !== undefined && (special || inProgramDir(path))) c.hashed(path, sha256);
    if (special) c.scan.specialFiles.push({ ...le, setuid: (mode & 0o4000) !== 0, setgid: (mode & 0o2000) !== 0, ...(sha256 !== undefined ? { sha256 } : {}) });
  }
  return { path };
}

/** A regular file scanned: its sha256 when taken, and setuid/setgid files kept with it. */
function recordFile(c: Collector, le: LayerEntry, special: boolean, sha256: string | undefined): void {
  if (sha256 !== undefined) c.hashed(le.path, sha256);
  if (!special) return;
  const sf: SpecialFile = { ...le, setuid: (le.mode & 0o4000) !== 0, setgid: (le.mode & 0o2000) !== 0 };
  if (sha256 !== undefined) sf.sha256 = sha256;
  c.scan.specialFiles.push(sf);
}

/**
 * Reads one tar stream (plain, gzip or zstd) once and collects the facts above. Never throws
 * for bad input: read errors end up in `errors`, unsupported compression in `unsupported`.
 */
export async function scanFilesystemTar(input: Readable, options: ScanOptions = {}): Promise<FilesystemScan> {
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  let opened;
  try {
    opened = await openLayer(input);
  } catch (err) {
    const c = new Collector('none');
    c.scan.errors.push({ message: `cannot read layer: ${(err as Error).message}` });
    return c.scan;
  }
  if (!opened.ok) {
    const c = new Collector(opened.compression);
    c.scan.unsupported = opened.message;
    return c.scan;
  }
  const c = new Collector(opened.compression);
  const extract = tar.extract();
  opened.stream.on('error', (err: Error) => extract.destroy(err));
  opened.stream.pipe(extract);
  const failed = await readEntries(extract, c, maxFileSize);
  if (failed) {
    c.scan.errors.push({ message: describeTarError(failed.error), ...(failed.path ? { path: failed.path } : {}) });
    opened.stream.destroy();
  }
  return c.scan;
}

/**
 * Feeds every entry of `extract` to the collector, through tar-stream's entry events (not its
 * async iterator: no promise per entry and per chunk). Resolves when the tar ends, or at the
 * first error with the path being read then; the entry cut short is not scanned.
 */
function readEntries(extract: tar.Extract, c: Collector, maxFileSize: number): Promise<{ error: unknown; path?: string } | undefined> {
  return new Promise((resolve) => {
    let current: string | undefined;
    let reading = false;
    let closed = false;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      resolve(current ? { error, path: current } : { error });
    };
    const done = () => {
      if (settled) return;
      settled = true;
      resolve(undefined);
    };
    extract.on('entry', (header, stream, next) => {
      const plan = recordHeader(c, header);
      current = plan.path;
      stream.on('error', fail);
      if (plan.file === undefined) {
        if (plan.whiteout !== true) current = undefined;
        stream.on('end', next);
        stream.resume();
        return;
      }
      const file = plan.file;
      const special = plan.special === true;
      const content = new ContentScan(file, plan.hash === true, maxFileSize, c);
      reading = true;
      stream.on('data', (chunk: unknown) => content.push(chunk as Buffer));
      stream.on('end', () => {
        reading = false;
        if (settled) return;
        recordFile(c, file, special, content.finish());
        current = undefined;
        if (closed) done();
        else next();
      });
    });
    extract.on('error', fail);
    // the last file's 'end' may come after the extract closes: it finishes the read then
    extract.on('close', () => {
      closed = true;
      if (!reading) done();
    });
  });
}

function describeTarError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  if (/unexpected end of data|premature close|unexpected end of file/i.test(msg)) return `truncated tar stream (${msg})`;
  if (/incorrect header check|invalid (?:block|distance|stored)|unknown compression|too far back/i.test(msg)) return `corrupt gzip stream (${msg})`;
  return `cannot read tar stream (${msg})`;
}
