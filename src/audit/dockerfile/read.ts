import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import ignoreModule, { type Ignore } from '@balena/dockerignore';
import type { BuildContextFacts } from './facts.js';

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

const SECRET_FILE = /^(\.env(\..+)?|id_(rsa|dsa|ecdsa|ed25519)|.+\.(pem|key|p12|pfx)|\.npmrc|\.pypirc|\.git-credentials|credentials|kubeconfig|\.netrc)$/i;

// CommonJS module: under ESM interop the factory may arrive as the default export's default.
const ignoreFactory = ((ignoreModule as unknown as { default?: unknown }).default ?? ignoreModule) as (options?: { ignorecase?: boolean }) => Ignore;

const contextCache = new Map<string, BuildContextFacts>();

/**
 * The build context is taken to be the Dockerfile's directory (the usual `docker build -f X dir`).
 * BuildKit's per-Dockerfile ignore file (<Dockerfile>.dockerignore) wins over .dockerignore.
 */
export function buildContextFacts(dockerfilePath: string, cwd: string): BuildContextFacts {
  const dir = dirname(dockerfilePath);
  const specificName = `${basename(dockerfilePath)}.dockerignore`;
  const key = `${dir}\u0000${specificName}`;
  const cached = contextCache.get(key);
  if (cached) return cached;
  // one listing answers both "which ignore file is there" and "which secret files are present"
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    // an unlistable context: judged as if empty, with no ignore file
  }
  const ignoreName = entries.includes(specificName) ? specificName : entries.includes('.dockerignore') ? '.dockerignore' : undefined;
  let ignorePath: string | undefined;
  let ignores: (p: string) => boolean = () => false;
  if (ignoreName) {
    try {
      const patterns = readFileSync(join(dir, ignoreName), 'utf8').split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith('#'));
      const ig = ignoreFactory().add(patterns);
      ignores = (p) => ig.ignores(p);
      ignorePath = join(dir, ignoreName);
    } catch {
      // unreadable ignore file: as good as none
    }
  }
  const present = entries.filter((n) => SECRET_FILE.test(n) && !ignores(n));
  const facts: BuildContextFacts = {
    ...(ignorePath ? { dockerignore: display(ignorePath, cwd) } : {}),
    secretPathsNotIgnored: SECRET_SAMPLE_PATHS.filter((p) => !ignores(p)),
    secretFilesPresent: present.slice(0, 5),
  };
  contextCache.set(key, facts);
  return facts;
}
