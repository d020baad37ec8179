import { posix } from 'node:path';
import type { EngineClient } from '../../engine/client.js';
import { scanFilesystemTar, type FilesystemScan } from '../image/fs-scan.js';
import type { ContainerFacts, ContainerFileScan } from './facts.js';
import { planArchiveRequests } from './change-paths.js';
import { mapLimit } from './map-limit.js';

export type FsMode = 'none' | 'changes' | 'full';
export const FS_MODES: readonly FsMode[] = ['none', 'changes', 'full'];

/** Archive requests of one container in flight at once. */
const ARCHIVE_CONCURRENCY = 4;

export interface FileScanResult {
  files: ContainerFileScan;
  errors: Array<{ message: string; path?: string }>;
}

function collect(into: FileScanResult, scan: FilesystemScan, toContainerPath: (p: string) => string, origin: 'added' | 'modified' | 'filesystem'): void {
  into.files.scanned += scan.entries.length;
  for (const f of scan.specialFiles) {
    into.files.specialFiles.push({ path: toContainerPath(f.path), mode: f.mode, setuid: f.setuid, setgid: f.setgid, origin });
  }
  for (const s of scan.secrets) {
    const entry: ContainerFileScan['secrets'][number] = { path: toContainerPath(s.path), kind: s.kind, severity: s.severity, evidence: s.redacted, origin };
    if (s.line !== undefined) entry.line = s.line;
    into.files.secrets.push(entry);
  }
  for (const e of scan.errors) into.errors.push({ message: `--fs ${into.files.mode}: ${e.message}`, ...(e.path ? { path: toContainerPath(e.path) } : {}) });
  if (scan.unsupported) into.errors.push({ message: `--fs ${into.files.mode}: ${scan.unsupported}` });
}

/**
 * Reads a container's files through the shared layer scanner (src/audit/image/fs-scan.ts):
 * `changes` fetches only what GET /changes lists, through the archive API; `full` streams
 * GET /export. Paths in findings are container paths.
 */
export async function scanContainerFiles(engine: EngineClient, facts: ContainerFacts, mode: 'changes' | 'full'): Promise<FileScanResult> {
  const result: FileScanResult = { files: { mode, scanned: 0, specialFiles: [], secrets: [] }, errors: [] };
  if (mode === 'full') {
    const tar = await engine.exportContainer(facts.id);
    collect(result, await scanFilesystemTar(tar), (p) => p, 'filesystem');
    return result;
  }
  const changes = await engine.containerChanges(facts.id);
  const { requests, skipped } = planArchiveRequests(changes, facts.mounts);
  if (skipped > 0) result.errors.push({ message: `--fs changes: ${skipped} changed path(s) not read (limit reached); use --fs full for everything` });
  await mapLimit(requests, ARCHIVE_CONCURRENCY, async (req) => {
    let tar;
    try {
      tar = await engine.containerArchive(facts.id, req.path);
    } catch (err) {
      // a file removed between the changes list and the archive request is not a problem
      if ((err as { statusCode?: number }).statusCode === 404) return;
      throw err;
    }
    // the archive of /a/b holds "b" or "b/...": relative to the parent of the requested path
    const parent = posix.dirname(req.path);
    collect(result, await scanFilesystemTar(tar), (p) => posix.join(parent, p), req.origin);
  });
  return result;
}
