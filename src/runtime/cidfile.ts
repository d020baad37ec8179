import { existsSync, writeFileSync } from 'node:fs';
import { BulkheadError } from '../errors.js';

/** docker's --cidfile refuses an existing file: it may belong to a container still running. */
export function claimCidfile(path: string): void {
  if (existsSync(path)) throw new BulkheadError('usage', `--cidfile ${path}: the file exists; make sure its container is not running and delete it`);
}

/** Written once the container exists, exclusively, so two runs never share one file. */
export function writeCidfile(path: string, id: string): void {
  try {
    writeFileSync(path, id, { flag: 'wx', mode: 0o644 });
  } catch (err) {
    throw new BulkheadError('usage', `--cidfile ${path}: cannot write it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}
