import { closeSync, lstatSync, openSync, readdirSync, readFileSync, readSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import ignoreModule, { type Ignore } from '@balena/dockerignore';
import type { BuildContextFacts, ContextFile } from './facts.js';
import { classifyContent, isSecretFileName, MAX_CONTENT_BYTES } from './secret-files.js';

/**
 * The IO half of the Dockerfile audit: finding files, reading bytes, checking they are text,
 * and looking at the build context. parse.ts turns the text into facts.
 */

/** Larger than any real Dockerfile by far; beyond it the file is refused rather than parsed slowly. */
export const MAX_DOCKERFILE_BYTES = 2 * 1024 * 1024;
export const STDIN_NAME = '-';
const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);

export function isDockerfileName(name: string): boolean {
  const n = name.toLowerCase();
  if (n.endsWith('.dockerignore')) return false;
  return n === 'dockerfile' || n === 'containerfile' || n.endsWith('.dockerfile') || n.startsWith('dockerfile.') || n.startsWith('containerfile.');
}

export interface DockerfileInput {
  /** display path (relative to the working directory when inside it) or "-" */
  name: string;
  /** absolute path; undefined for stdin */
  path?: string;
  /** when the input could not even be listed (missing path, empty directory) */
  error?: string;
}

function display(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') ? rel : abs;
}

/** Expands the command's arguments into Dockerfiles: directories are searched, files taken as given. */
export function collectInputs(args: string[], cwd: string): DockerfileInput[] {
  const out: DockerfileInput[] = [];
  for (const arg of args.length ? args : ['.']) {
    if (arg === STDIN_NAME) {
      out.push({ name: STDIN_NAME });
      continue;
    }
    const abs = isAbsolute(arg) ? arg : join(cwd, arg);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch (err) {
      out.push({ name: arg, error: `cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    if (!isDir) {
      out.push({ name: display(abs, cwd), path: abs });
      continue;
    }
    const found: string[] = [];
    const walk = (dir: string): void => {
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        out.push({ name: display(dir, cwd), error: `cannot list directory (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
        return;
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name));
        } else if ((e.isFile() || e.isSymbolicLink()) && isDockerfileName(e.name)) found.push(join(dir, e.name));
      }
    };
    walk(abs);
    if (found.length === 0) out.push({ name: display(abs, cwd) || '.', error: 'no Dockerfile found (looked for Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile)' });
    for (const f of found.sort()) out.push({ name: display(f, cwd), path: f });
  }
  // the same file named twice (a directory and a file inside it) is audited once
  const seen = new Set<string>();
  return out.filter((i) => {
    const key = i.path ?? `${i.name}\u0000${i.error ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type TextResult = { ok: true; text: string; warning?: { message: string; line?: number } } | { ok: false; message: string; line?: number };

/** Bytes -> text, refusing what is not a Dockerfile: empty, too large, binary; invalid UTF-8 is decoded lossily and reported. */
export function bytesToText(bytes: Buffer): TextResult {
  if (bytes.length > MAX_DOCKERFILE_BYTES) {
    return { ok: false, message: `file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB, over the ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MB limit for a Dockerfile` };
  }
  if (bytes.length === 0 || bytes.toString('latin1').trim() === '') return { ok: false, message: 'empty file' };
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul >= 0) return { ok: false, message: `binary data (NUL byte at offset ${nul}), not a Dockerfile`, line: lineAt(bytes, nul) };
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const line = lineAt(bytes, offset);
    return { ok: true, text: new TextDecoder('utf-8').decode(bytes), warning: { message: `invalid UTF-8 (byte 0x${bytes[offset]?.toString(16)} at offset ${offset}); read with replacement characters`, line } };
  }
}

function lineAt(bytes: Buffer, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    const need = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return 0;
}

export function readInput(input: DockerfileInput, stdin?: Buffer): TextResult {
  if (input.path === undefined) return stdin === undefined ? { ok: false, message: 'no input on stdin' } : bytesToText(stdin);
  let bytes: Buffer;
  try {
    bytes = readFileSync(input.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, message: code === 'EISDIR' ? 'is a directory' : `cannot read (${code})` };
  }
  return bytesToText(bytes);
}

/** Paths a careless `COPY . .` sends into an image when no .dockerignore excludes them. */
export const SECRET_SAMPLE_PATHS = ['.env', '.git/config', '.npmrc', '.pypirc', '.git-credentials', 'id_rsa', '.ssh/id_ed25519', 'server.key', 'tls.pem', '.aws/credentials', '.docker/config.json', 'kubeconfig'];

/** Entries looked at in one context before the walk stops (a context is a project, not a disk). */
export const MAX_CONTEXT_ENTRIES = 20_000;
/** Secret-named files reported per context (secrets first). */
const MAX_PRESENT = 10;
/**
 * Not walked: installed package trees. Their own test fixtures (ssh2's, node-forge's keys) are
 * not the project's credentials, and they are large; a `node_modules` that a COPY . sends is
 * a build problem of its own (and usually in .dockerignore).
 */
const CONTEXT_SKIP_DIRS = new Set(['node_modules']);

// CommonJS module: under ESM interop the factory may arrive as the default export's default.
const ignoreFactory = ((ignoreModule as unknown as { default?: unknown }).default ?? ignoreModule) as (options?: { ignorecase?: boolean }) => Ignore;

interface ContextListing {
  dockerignore?: string;
  ignores: (p: string) => boolean;
  secretPathsNotIgnored: string[];
  secretFilesPresent: ContextFile[];
  unreadable?: string;
  truncated?: boolean;
}

const listingCache = new Map<string, ContextListing>();
const contentCache = new Map<string, ContextFile | null>();

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? 'error';
}

/** A file's content verdict (null when it does not exist), read once per path per process. */
function inspectFile(abs: string, rel: string): ContextFile | null {
  const cached = contentCache.get(abs);
  if (cached !== undefined) return cached;
  let out: ContextFile | null;
  try {
    const st = lstatSync(abs);
    // COPY sends the link itself; a target inside the context is walked and judged on its own
    if (st.isSymbolicLink()) out = { path: rel, verdict: 'clean', what: 'symbolic link (COPY copies the link, not its target)' };
    else if (!st.isFile()) out = { path: rel, verdict: 'unknown', what: 'not a regular file' };
    else {
      const fd = openSync(abs, 'r');
      try {
        const buf = Buffer.alloc(Math.min(st.size, MAX_CONTENT_BYTES));
        const n = readSync(fd, buf, 0, buf.length, 0);
        out = { path: rel, ...classifyContent(rel, buf.subarray(0, n)) };
      } finally {
        closeSync(fd);
      }
    }
  } catch (err) {
    out = errCode(err) === 'ENOENT' || errCode(err) === 'ENOTDIR' ? null : { path: rel, verdict: 'unknown', what: `cannot be read (${errCode(err)})` };
  }
  contentCache.set(abs, out);
  return out;
}

const VERDICT_ORDER: Record<ContextFile['verdict'], number> = { secret: 0, unknown: 1, public: 2, clean: 3 };

/** The ignore file in force: BuildKit's <Dockerfile>.dockerignore next to the Dockerfile wins over the context's .dockerignore. */
function ignoreFileFor(contextDir: string, dockerfilePath: string | undefined): string | undefined {
  const candidates = [...(dockerfilePath ? [join(dirname(dockerfilePath), `${basename(dockerfilePath)}.dockerignore`)] : []), join(contextDir, '.dockerignore')];
  return candidates.find((c) => {
    try {
      return statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

interface ContextIgnores {
  ignores: (p: string) => boolean;
  /** the file has !patterns: an ignored directory may still send some of its files */
  negation: boolean;
  dockerignore?: string;
}

/** The context's .dockerignore (or <Dockerfile>.dockerignore) as a matcher; none or unreadable ignores nothing. */
function contextIgnores(ignorePath: string | undefined, cwd: string): ContextIgnores {
  if (ignorePath) {
    try {
      const patterns = readFileSync(ignorePath, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
      const ig = ignoreFactory().add(patterns);
      return { ignores: (p) => ig.ignores(p), negation: patterns.some((l) => l.startsWith('!')), dockerignore: display(ignorePath, cwd) };
    } catch {
      // unreadable ignore file: as good as none
    }
  }
  return { ignores: () => false, negation: false };
}

/** Walks the context once: which secret-named files a `COPY .` sends, given the ignore file. */
function listContext(contextDir: string, dockerfilePath: string | undefined, cwd: string): ContextListing {
  const ignorePath = ignoreFileFor(contextDir, dockerfilePath);
  const key = `${contextDir}\u0000${ignorePath ?? ''}`;
  const cached = listingCache.get(key);
  if (cached) return cached;
  const { ignores, negation, dockerignore } = contextIgnores(ignorePath, cwd);
  const listing: ContextListing = { ...(dockerignore ? { dockerignore } : {}), ignores, secretPathsNotIgnored: SECRET_SAMPLE_PATHS.filter((p) => !ignores(p)), secretFilesPresent: [] };
  const named: string[] = [];
  const pending = [''];
  let seen = 0;
  try {
    readdirSync(contextDir);
  } catch (err) {
    listing.unreadable = `the build context ${display(contextDir, cwd)} cannot be listed (${errCode(err)})`;
    listing.secretPathsNotIgnored = [];
  }
  while (!listing.unreadable && pending.length && seen < MAX_CONTEXT_ENTRIES) {
    const rel = pending.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(join(contextDir, rel), { withFileTypes: true });
    } catch {
      continue; // a subdirectory that cannot be listed cannot be sent either
    }
    for (const e of entries) {
      if (++seen > MAX_CONTEXT_ENTRIES) break;
      const path = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (CONTEXT_SKIP_DIRS.has(e.name)) continue;
        // of .git only its config matters here (a remote URL with a token in it)
        if (e.name === '.git') {
          if (!ignores(`${path}/config`)) named.push(`${path}/config`);
          continue;
        }
        // an ignored directory is not sent, unless a later !pattern takes something back
        if (!negation && ignores(path)) continue;
        pending.push(path);
      } else if (isSecretFileName(path) && !ignores(path)) {
        named.push(path);
      }
    }
  }
  if (seen >= MAX_CONTEXT_ENTRIES) listing.truncated = true;
  listing.secretFilesPresent = named
    .map((p) => inspectFile(join(contextDir, p), p))
    .filter((f): f is ContextFile => f !== null)
    .sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || a.path.localeCompare(b.path))
    .slice(0, MAX_PRESENT);
  listingCache.set(key, listing);
  return listing;
}

/**
 * The worst verdict among the secret-named files a COPY of a directory sends (`COPY .ssh
 * /root/.ssh`, `COPY config/ /app/config/`): what the ignore file excludes is not sent, so not judged.
 * A directory with a secret-looking name has every file read; any other only its secret-named
 * ones (a source tree is not read file by file).
 */
function inspectDirectory(contextDir: string, rel: string, ig: ContextIgnores, everyFile: boolean): ContextFile {
  const files: ContextFile[] = [];
  const pending = [rel];
  let seen = 0;
  while (pending.length && seen < 1000) {
    const dir = pending.pop()!;
    let entries: Dirent[] = [];
    try {
      entries = readdirSync(join(contextDir, dir), { withFileTypes: true });
    } catch {
      // as for the walk: what cannot be listed cannot be sent
    }
    for (const e of entries) {
      seen++;
      const path = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (!CONTEXT_SKIP_DIRS.has(e.name) && (ig.negation || !ig.ignores(`${path}/`))) pending.push(path);
      } else if ((everyFile || isSecretFileName(path)) && !ig.ignores(path)) {
        const f = inspectFile(join(contextDir, path), path);
        if (f) files.push(f);
      }
    }
  }
  const worst = files.sort((a, b) => VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict])[0];
  if (!worst) return { path: rel, verdict: 'clean', what: 'empty directory' };
  return { ...worst, path: rel, what: `${worst.path.slice(rel.length + 1)}: ${worst.what}` };
}

/** What the context can say about the files the Dockerfile copies. */
export interface ContextNeeds {
  /** some COPY/ADD sends the whole context */
  wholeContext: boolean;
  /** COPY/ADD sources with secret-looking names, relative to the context */
  sources: string[];
  /** other plain COPY/ADD sources (no glob, URL or variable): looked into when they are directories */
  otherSources?: string[];
}

/**
 * Looks at the build context on disk for what the Dockerfile copies: the ignore file, the
 * secret-named files a `COPY .` would send and their content, and the content of secret-named
 * sources. `contextDir` is --context, or the Dockerfile's directory (the usual `docker build .`).
 */
export function buildContextFacts(contextDir: string, dockerfilePath: string | undefined, cwd: string, needs: ContextNeeds): BuildContextFacts {
  const dir = display(contextDir, cwd) || '.';
  const listing: ContextListing = needs.wholeContext ? listContext(contextDir, dockerfilePath, cwd) : { ignores: () => false, secretPathsNotIgnored: [], secretFilesPresent: [] };
  const facts: BuildContextFacts = {
    dir,
    ...(listing.unreadable ? { unreadable: listing.unreadable } : {}),
    ...(listing.dockerignore ? { dockerignore: listing.dockerignore } : {}),
    ...(listing.truncated ? { truncated: true } : {}),
    secretPathsNotIgnored: listing.secretPathsNotIgnored,
    secretFilesPresent: listing.secretFilesPresent,
    sources: {},
  };
  const ig = needs.sources.length || needs.otherSources?.length ? contextIgnores(ignoreFileFor(contextDir, dockerfilePath), cwd) : undefined;
  for (const rel of needs.sources) {
    const abs = join(contextDir, rel);
    let isDir = false;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      // missing: left out of the record, which says "not in the context"
    }
    const f = isDir ? inspectDirectory(contextDir, rel, ig!, true) : inspectFile(abs, rel);
    if (f) facts.sources[rel] = f;
  }
  for (const rel of needs.otherSources ?? []) {
    try {
      if (!statSync(join(contextDir, rel)).isDirectory()) continue;
    } catch {
      continue;
    }
    const f = inspectDirectory(contextDir, rel, ig!, false);
    // only a secret inside is news: a clean directory is the usual COPY src/ ./src/
    if (f.verdict === 'secret') facts.sources[rel] = f;
  }
  return facts;
}

/** For a Dockerfile without a context on disk (stdin): every check that needs one says so. */
export function unknownContext(reason: string): BuildContextFacts {
  return { dir: '', unreadable: reason, secretPathsNotIgnored: [], secretFilesPresent: [], sources: {} };
}
