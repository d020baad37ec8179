/**
 * The headers of an uncompressed tar file, read with positioned reads (no content is read):
 * where each entry's data starts and how long it is. Lets a seekable `docker save` file be
 * read as independent ranges, one per layer, in parallel. Streams (the engine export, a
 * gzipped archive) take the one-pass path instead.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface TarIndexEntry {
  name: string;
  /** tar typeflag: '0' file, '2' symlink, '5' directory, ... */
  type: string;
  linkname: string;
  /** offset of the entry's data in the file */
  offset: number;
  size: number;
}

function field(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
}

function octal(block: Buffer, start: number, length: number): number {
  if ((block[start]! & 0x80) !== 0) {
    // base-256 (GNU) for sizes past 8 GiB
    let n = 0;
    for (let i = start + 1; i < start + length; i++) n = n * 256 + block[i]!;
    return n;
  }
  const s = field(block, start, length).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function paxPath(data: Buffer): { path?: string; linkpath?: string } {
  const out: { path?: string; linkpath?: string } = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp === -1) break;
    const len = parseInt(data.toString('latin1', i, sp), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0 && rec.slice(0, eq) === 'path') out.path = rec.slice(eq + 1);
    if (eq > 0 && rec.slice(0, eq) === 'linkpath') out.linkpath = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** Indexes a tar file; throws a one-line Error on a header that does not parse or runs past the end. */
export function indexTarFile(path: string, fileSize: number): TarIndexEntry[] {
  const fd = openSync(path, 'r');
  const entries: TarIndexEntry[] = [];
  const block = Buffer.alloc(512);
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    while (pos + 512 <= fileSize) {
      readSync(fd, block, 0, 512, pos);
      if (block.every((b) => b === 0)) break;
      const magic = block.toString('latin1', 257, 262);
      if (magic !== 'ustar') throw new Error(`not a tar archive (no ustar header at byte ${pos})`);
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
      if (sum !== octal(block, 148, 8)) throw new Error(`corrupt tar header at byte ${pos} (checksum)`);
      const size = octal(block, 124, 12);
      const type = String.fromCharCode(block[156] || 0x30);
      const dataStart = pos + 512;
      if (dataStart + size > fileSize) throw new Error(`truncated archive: entry at byte ${pos} runs past the end of the file`);
      if (type === 'L' || type === 'K' || type === 'x') {
        const data = Buffer.alloc(size);
        readSync(fd, data, 0, size, dataStart);
        if (type === 'L') longName = data.toString('utf8').replace(/\0+$/, '');
        else if (type === 'K') longLink = data.toString('utf8').replace(/\0+$/, '');
        else {
          const pax = paxPath(data);
          if (pax.path) longName = pax.path;
          if (pax.linkpath) longLink = pax.linkpath;
        }
      } else if (type !== 'g') {
        const prefix = field(block, 345, 155);
        const short = field(block, 0, 100);
        const name = longName ?? (prefix ? `${prefix}/${short}` : short);
        entries.push({ name, type, linkname: longLink ?? field(block, 157, 100), offset: dataStart, size });
        longName = undefined;
        longLink = undefined;
      }
      pos = dataStart + Math.ceil(size / 512) * 512;
    }
  } finally {
    closeSync(fd);
  }
  return entries;
}
