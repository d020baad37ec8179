/**
 * Scans byte ranges of a file (the layer blobs of a seekable `docker save` archive) in worker
 * threads, one layer per worker at a time: layers are independent until the final view is
 * computed, and the secret scan is CPU-bound. Falls back to scanning in this thread on one
 * core, or when the worker script is not built (the TypeScript sources under test).
 */
import { createReadStream, existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { scanFilesystemTar, type FilesystemScan, type ScanOptions } from './fs-scan.js';
import type { LayerTask } from './layer-worker.js';

export interface FileRange {
  path: string;
  start: number;
  /** exclusive */
  end: number;
}

const WORKER_URL = new URL('./layer-worker.js', import.meta.url);
/**
 * Lanes (this thread + workers) at most. Each worker costs ~50 MB of RSS (its own V8 heap and
 * zlib buffers): two lanes keep a 500 MB image within the 200 MB peak-RSS budget.
 */
const MAX_LANES = 2;

/** How many lanes to scan `tasks` layers with (0: all in this thread, no workers). */
export function scanWorkerCount(tasks: number, requested?: number): number {
  if (requested !== undefined) return Math.max(0, Math.min(requested, tasks));
  if (!existsSync(fileURLToPath(WORKER_URL))) return 0;
  const n = Math.min(tasks, availableParallelism(), MAX_LANES);
  return n >= 2 ? n : 0;
}

function openRange(r: FileRange): Readable {
  return r.end > r.start ? createReadStream(r.path, { start: r.start, end: r.end - 1, highWaterMark: 256 * 1024 }) : Readable.from([]);
}

function failedScan(message: string): FilesystemScan {
  return { compression: 'none', entries: [], specialFiles: [], hashedFiles: [], worldWritable: [], secrets: [], whiteouts: [], sensitive: [], anomalies: [], bytes: 0, errors: [{ message }] };
}

/** Scans every range; results in the order of `ranges`. `onDone` is called as each finishes. */
export async function scanRanges(ranges: FileRange[], options: ScanOptions & { workers?: number; onDone?: (index: number) => void } = {}): Promise<FilesystemScan[]> {
  const scanOptions: ScanOptions = options.maxFileSize === undefined ? {} : { maxFileSize: options.maxFileSize };
  const results: FilesystemScan[] = new Array<FilesystemScan>(ranges.length);
  const n = scanWorkerCount(ranges.length, options.workers);
  if (n === 0 || !existsSync(fileURLToPath(WORKER_URL))) {
    for (let i = 0; i < ranges.length; i++) {
      results[i] = await scanFilesystemTar(openRange(ranges[i]!), scanOptions);
      options.onDone?.(i);
    }
    return results;
  }
  let next = 0;
  // This thread is one of the n lanes (it would otherwise wait): n - 1 workers, less memory.
  const localLane = (async () => {
    while (next < ranges.length) {
      const i = next++;
      results[i] = await scanFilesystemTar(openRange(ranges[i]!), scanOptions);
      options.onDone?.(i);
    }
  })();
  // A small young generation keeps each worker's footprint down (peak RSS counts every thread);
  // the scan allocates short-lived strings, so scavenges stay cheap.
  const workers = Array.from({ length: n - 1 }, () => new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 8 } }));
  try {
    await Promise.all([
      localLane,
      ...workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            let current = -1;
            const take = () => {
              if (next >= ranges.length) return resolve();
              current = next++;
              const r = ranges[current]!;
              const task: LayerTask = { id: current, path: r.path, start: r.start, end: r.end, options: scanOptions };
              w.postMessage(task);
            };
            w.on('message', (msg: { id: number; scan?: FilesystemScan; error?: string }) => {
              results[msg.id] = msg.scan ?? failedScan(`cannot scan layer: ${msg.error ?? 'unknown error'}`);
              options.onDone?.(msg.id);
              take();
            });
            // a worker that dies takes only its current layer with it: recorded as an error
            w.on('error', (err) => {
              if (current >= 0 && results[current] === undefined) results[current] = failedScan(`cannot scan layer: ${err.message}`);
              resolve();
            });
            take();
          }),
      ),
    ]);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  // layers a dead worker never took are scanned here
  for (let i = 0; i < ranges.length; i++) {
    if (results[i] === undefined) {
      results[i] = await scanFilesystemTar(openRange(ranges[i]!), scanOptions);
      options.onDone?.(i);
    }
  }
  return results;
}
