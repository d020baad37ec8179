import { posix } from 'node:path';
import type { ContainerChange } from '../../engine/client.js';
import type { ContainerMount } from './facts.js';

/** Most archive requests one container's `--fs changes` scan makes; the rest is reported as skipped. */
export const MAX_ARCHIVE_PATHS = 256;

export interface ArchiveRequest {
  /** absolute path in the container to GET /containers/{id}/archive */
  path: string;
  origin: 'added' | 'modified';
}

function under(path: string, dir: string): boolean {
  return dir === '/' ? true : path === dir || path.startsWith(`${dir}/`);
}

/**
 * Which paths to fetch for a GET /containers/{id}/changes list, as few requests as cover them:
 * an added directory is fetched once with everything below it (all of it is new), a modified
 * entry only when nothing below it changed (a modified directory is listed because its
 * children changed, and those are listed too). Paths inside mounts are not the container's
 * layer (the engine reports mount points as added) and are skipped: a bind mount of / would
 * otherwise pull the host's filesystem. Deleted paths have nothing to read.
 */
export function planArchiveRequests(changes: readonly ContainerChange[], mounts: readonly ContainerMount[]): { requests: ArchiveRequest[]; skipped: number } {
  const mountPoints = mounts.map((m) => m.destination.replace(/\/+$/, '') || '/');
  const live = changes
    .filter((c) => c.Kind !== 2)
    .map((c) => ({ path: posix.normalize(c.Path), kind: c.Kind }))
    .filter((c) => !mountPoints.some((m) => under(c.path, m)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const paths = live.map((c) => c.path);
  const requests: ArchiveRequest[] = [];
  const addedRoots: string[] = [];
  for (const [i, c] of live.entries()) {
    if (addedRoots.some((root) => under(c.path, root))) continue;
    if (c.kind === 1) {
      // an added path that holds a mount point would pull the mount too: fetch its children instead
      const holdsMount = mountPoints.some((m) => m !== c.path && under(m, c.path));
      if (holdsMount) continue;
      addedRoots.push(c.path);
      requests.push({ path: c.path, origin: 'added' });
      continue;
    }
    // sorted: anything below c.path follows it directly
    const next = paths[i + 1];
    const hasChildren = next !== undefined && next.startsWith(`${c.path === '/' ? '' : c.path}/`);
    if (!hasChildren) requests.push({ path: c.path, origin: 'modified' });
  }
  return { requests: requests.slice(0, MAX_ARCHIVE_PATHS), skipped: Math.max(0, requests.length - MAX_ARCHIVE_PATHS) };
}
