import { posix } from 'node:path';
import { Writable } from 'node:stream';

/** A write that failed on the read-only root, as the container's own output reported it. */
export interface ReadOnlyWrite {
  /** the path the program tried to write */
  path: string;
  /** the directory a tmpfs would make writable */
  dir: string;
}

const READ_ONLY = /read-only file system/i;
// an absolute path as programs print it: quoted ("…", '…', ‘…’: U+2018/U+2019, escaped so the run bundle stays ASCII) first, else a bare one that does
// not continue a word or a number (so a "2026/12/04" timestamp is no path)
const QUOTED_PATH = /["'\u2018`](\/[^"'\u2019`\s]+)["'\u2019`]/g;
const BARE_PATH = /(?<![\w./-])(\/[^\s"'\u2019`,;()]*[^\s"'\u2019`,;():.])/g;

/**
 * Which path a read-only error line names, and which directory a tmpfs would have to cover:
 * its parent (of a directory it tried to create, or of a file it tried to open).
 * Undefined when the line names no path, or only one directly under / (no tmpfs helps there).
 */
export function readOnlyWriteIn(line: string): ReadOnlyWrite | undefined {
  if (!READ_ONLY.test(line)) return undefined;
  const quoted = [...line.matchAll(QUOTED_PATH)].map((m) => m[1] ?? '');
  const path = [...quoted, ...[...line.matchAll(BARE_PATH)].map((m) => m[1] ?? '')].find((p) => p.length > 1);
  if (path === undefined) return undefined;
  const normalised = posix.normalize(path).replace(/(.)\/+$/, '$1');
  const dir = posix.dirname(normalised);
  if (dir === '/') return undefined;
  return { path: normalised, dir };
}

/** The one line printed after a failed run whose output named read-only writes. */
export function readOnlyAdvice(writes: ReadOnlyWrite[], existingTmpfs: string[]): string | undefined {
  const covered = (dir: string) => existingTmpfs.some((t) => dir === t || dir.startsWith(`${t}/`));
  const dirs = [...new Set(writes.map((w) => w.dir))].filter((d) => !covered(d));
  if (dirs.length === 0) return undefined;
  const paths = [...new Set(writes.filter((w) => dirs.includes(w.dir)).map((w) => w.path))];
  return `the root filesystem is read-only and the container failed writing ${paths.join(', ')}: ${dirs.map((d) => `--tmpfs ${d}`).join(' ')} would give it writable (noexec) space there`;
}

export interface ReadOnlyHintTap {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** the advice line for what the output showed so far, if any */
  advice(existingTmpfs: string[]): string | undefined;
}

/** a line longer than this is not an error message worth parsing */
const MAX_LINE = 4096;
const MAX_WRITES = 16;

/**
 * Passes the container's output through unchanged while noting lines that say a write hit the
 * read-only root. Only the current partial line is kept, so memory stays bounded on any output.
 */
export function readOnlyHintTap(stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): ReadOnlyHintTap {
  const writes: ReadOnlyWrite[] = [];
  const flushes: Array<() => void> = [];
  const tap = (target: NodeJS.WritableStream): Writable => {
    let partial = '';
    const scan = (text: string) => {
      const lines = (partial + text).split('\n');
      partial = (lines.pop() ?? '').slice(-MAX_LINE);
      for (const line of lines) {
        if (writes.length >= MAX_WRITES) return;
        const w = readOnlyWriteIn(line.slice(0, MAX_LINE));
        if (w) writes.push(w);
      }
    };
    flushes.push(() => scan('\n'));
    return new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        scan(String(chunk));
        // the target's own error listeners (EPIPE handling in run) see its failures
        if (target.write(chunk)) callback();
        else target.once('drain', () => callback());
      },
    });
  };
  return {
    stdout: tap(stdout),
    stderr: stderr === stdout ? tap(stdout) : tap(stderr),
    advice(existingTmpfs) {
      // the last line may not end in a newline
      for (const flush of flushes) flush();
      return readOnlyAdvice(writes, existingTmpfs);
    },
  };
}
