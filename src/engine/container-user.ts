import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { BulkheadError } from '../errors.js';
import { passwdUids } from '../users.js';
import { DockerApiError, type EngineClient } from './client.js';

/** /etc/passwd is a few KiB; more is not a passwd file worth trusting a verdict to */
const MAX_PASSWD_BYTES = 4 * 1024 * 1024;

type ArchivedPath = { type: 'file'; content: Buffer } | { type: 'symlink'; target: string } | { type: 'other' };

/** The first entry of an archive stream: a regular file's bytes or a symlink's target. */
async function firstEntry(archive: Readable, path: string): Promise<ArchivedPath | undefined> {
  const extract = tar.extract();
  archive.on('error', (err: Error) => extract.destroy(err));
  archive.pipe(extract);
  try {
    for await (const entry of extract) {
      const { type, size, linkname } = entry.header;
      if (type === 'symlink') {
        entry.resume();
        return { type: 'symlink', target: linkname ?? '' };
      }
      if (type !== 'file') {
        entry.resume();
        return { type: 'other' };
      }
      if ((size ?? 0) > MAX_PASSWD_BYTES) throw new BulkheadError('refused', `refused: ${path} in the image is ${size} bytes: cannot tell which uid the image's user is`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      return { type: 'file', content: Buffer.concat(chunks) };
    }
    return undefined;
  } finally {
    archive.unpipe(extract);
    archive.destroy();
  }
}

/** How far a chain of /etc/passwd symlinks is followed (the runtime's own lookup follows them too). */
const MAX_LINKS = 8;

/**
 * The uid a named user gets in a created (not started) container, read from its /etc/passwd
 * through the Engine API's archive endpoint, as the runtime will resolve it at start. A name
 * that maps to uid 0 is root whatever it is called. Undefined when the file or the name is
 * missing: the engine then refuses to start the container itself.
 */
export async function uidOfNamedUser(engine: EngineClient, containerId: string, name: string): Promise<number | undefined> {
  let path = '/etc/passwd';
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    let archive: Readable;
    try {
      archive = await engine.containerArchive(containerId, path);
    } catch (err) {
      if (err instanceof DockerApiError && err.statusCode === 404) return undefined;
      throw err;
    }
    const file = await firstEntry(archive, path);
    if (file === undefined || file.type === 'other') return undefined;
    if (file.type === 'file') return passwdUids(file.content.toString('utf8')).get(name);
    const base = path.slice(0, path.lastIndexOf('/') + 1);
    path = file.target.startsWith('/') ? file.target : `${base}${file.target}`;
  }
  return undefined;
}
