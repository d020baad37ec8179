/** Worker thread: scans one byte range of a file (one layer blob) and posts the FilesystemScan back. */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import { scanFilesystemTar, type ScanOptions } from './fs-scan.js';

export interface LayerTask {
  id: number;
  path: string;
  start: number;
  /** exclusive */
  end: number;
  options: ScanOptions;
}

parentPort?.on('message', (task: LayerTask) => {
  const stream = task.end > task.start ? createReadStream(task.path, { start: task.start, end: task.end - 1, highWaterMark: 256 * 1024 }) : Readable.from([]);
  scanFilesystemTar(stream, task.options).then(
    (scan) => parentPort?.postMessage({ id: task.id, scan }),
    (err: unknown) => parentPort?.postMessage({ id: task.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
