import { BulkheadError } from '../errors.js';
import { DockerApiError, type EngineClient, type ImageInspect, type PullProgress } from '../engine/client.js';
import { registryAuthFor } from '../engine/registry-auth.js';
import { formatSize } from './units.js';

/** docker run's --pull: `missing` (the default) pulls only an image the engine does not have. */
export type PullMode = 'missing' | 'always' | 'never';
export const PULL_MODES: PullMode[] = ['missing', 'always', 'never'];

export interface PullIo {
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/**
 * Progress like docker's on a terminal (one line per layer, rewritten in place: bytes done of
 * total), and on anything else only the lines that matter: start, each layer done, the digest.
 */
export function pullProgressWriter(ref: string, out: PullIo['stderr']): { onProgress(e: PullProgress): void; finish(): void } {
  const tty = out.isTTY === true;
  const layers = new Map<string, string>();
  let drawn = 0;
  const redraw = () => {
    const lines = [...layers].map(([id, line]) => `${id}: ${line}`);
    // back to the top of the block, then each line cleared and rewritten
    out.write(`${drawn ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\x1b[2K${l}\n`).join('')}`);
    drawn = lines.length;
  };
  out.write(`bulkhead: pulling ${ref}\n`);
  return {
    onProgress(e) {
      const status = e.status ?? '';
      if (e.id === undefined || !/^[0-9a-f]{12}$/.test(e.id)) {
        // "Digest: sha256:...", "Status: Downloaded newer image for ..."
        if (!tty && /^(Digest|Status):/.test(status)) out.write(`bulkhead: ${status}\n`);
        return;
      }
      const d = e.progressDetail;
      const bytes = d?.current !== undefined && d.total ? ` ${formatSize(d.current)}/${formatSize(d.total)}` : '';
      if (tty) {
        layers.set(e.id, `${status}${bytes}`);
        redraw();
      } else if (/^(Pull complete|Already exists)$/.test(status)) {
        out.write(`bulkhead: layer ${e.id}: ${status}\n`);
      }
    },
    finish() {
      // a terminal's layer block stays as the last state drawn; the next line starts below it
      layers.clear();
      drawn = 0;
    },
  };
}

/** One line for a failed pull, in the registry's words, with no credential in it. */
function pullFailure(ref: string, err: unknown): BulkheadError {
  if (err instanceof DockerApiError && err.statusCode === undefined) return err;
  const raw = err instanceof Error ? err.message : String(err);
  const message = raw.replace(`pull ${ref}: `, '').replace(/\s*\(HTTP \d+\)$/, '').split('\n')[0] ?? raw;
  return new BulkheadError('pull', `cannot pull ${ref}: ${message}`, { cause: err });
}

async function inspectOrMissing(engine: EngineClient, ref: string): Promise<ImageInspect | undefined> {
  try {
    return await engine.inspectImage(ref);
  } catch (err) {
    if (err instanceof DockerApiError && err.statusCode === 404) return undefined;
    throw err;
  }
}

/** Pulls `ref` through the engine, with the registry's credentials from the docker config. */
export async function pullImage(engine: EngineClient, ref: string, io: PullIo, options: { platform?: string; signal?: AbortSignal } = {}): Promise<void> {
  const auth = registryAuthFor(ref, io.env);
  const progress = pullProgressWriter(ref, io.stderr);
  try {
    await engine.pullImage(ref, { ...(auth ? { auth } : {}), ...(options.platform ? { platform: options.platform } : {}), ...(options.signal ? { signal: options.signal } : {}), onProgress: progress.onProgress });
  } catch (err) {
    throw pullFailure(ref, err);
  } finally {
    progress.finish();
  }
}

/**
 * The image a run will use, after the pull mode is applied: its inspect, whose Id is what the
 * gate audits and the container must run. The engine registers an image only once every layer
 * is in, so an interrupted pull leaves no image under the reference (an older one stays).
 */
export async function ensureImage(engine: EngineClient, ref: string, mode: PullMode, io: PullIo, options: { platform?: string } = {}): Promise<ImageInspect> {
  if (mode !== 'always') {
    const present = await inspectOrMissing(engine, ref);
    if (present) return present;
    if (mode === 'never') {
      throw new BulkheadError('not-found', `image ${ref} is not in the engine at ${engine.endpoint} (--pull never: pull or build it first)`);
    }
  }
  await pullImage(engine, ref, io, options);
  const pulled = await inspectOrMissing(engine, ref);
  if (!pulled) throw new BulkheadError('pull', `cannot pull ${ref}: the engine reported the pull complete but has no such image`);
  return pulled;
}
