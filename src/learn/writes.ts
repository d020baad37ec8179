import { dirname } from 'node:path/posix';
import type { ContainerChange } from '../engine/client.js';

/** Paths the engine's diff lists that are not the workload's writes (the engine's own files, kernel filesystems). */
const NOT_WORKLOAD = [/^\/(proc|sys|dev)(\/|$)/, /^\/etc\/(hosts|hostname|resolv\.conf)$/, /^\/\.dockerenv$/];

/** Where the workload wrote: a new path under an existing directory, or an existing directory it changed. */
export interface WriteRoot {
  path: string;
  /** added by the workload (the whole subtree is new); false: an existing path modified or deleted */
  added: boolean;
}

/**
 * The roots of what the workload wrote, from GET /containers/{id}/changes: the top of each
 * added subtree, and the directory of each modified or deleted entry. Paths inside the
 * policy's tmpfs mounts never show in the diff.
 */
export function writeRoots(changes: readonly ContainerChange[]): WriteRoot[] {
  const kept = changes.filter((c) => c.Path !== '/' && !NOT_WORKLOAD.some((re) => re.test(c.Path)));
  const kind = new Map(kept.map((c) => [c.Path, c.Kind]));
  const hasChild = (p: string): boolean => kept.some((c) => c.Path.startsWith(`${p}/`));
  const roots = new Map<string, WriteRoot>();
  for (const c of kept) {
    if (c.Kind === 1) {
      if (kind.get(dirname(c.Path)) === 1) continue;
      roots.set(c.Path, { path: c.Path, added: true });
    } else if (c.Kind === 2 || !hasChild(c.Path)) {
      // a deleted entry, or a modified leaf (a file rewritten): its directory must be writable
      const dir = dirname(c.Path);
      if (dir !== '/') roots.set(dir, { path: dir, added: false });
    }
  }
  return [...roots.values()].sort((a, b) => a.path.localeCompare(b.path));
}

export interface LearnedTmpfs {
  path: string;
  bytes: number;
  /** what was written there, for the comment */
  written: string[];
  /** the mount hides what the image has at this path */
  masksImage: boolean;
}

/** More new entries than this in one existing directory: mount the directory rather than each. */
export const MAX_SIBLING_MOUNTS = 3;

/**
 * Write roots -> tmpfs mounts. A new directory gets its own mount (nothing of the image is
 * hidden); a new file, or a change to an existing directory, needs its directory mounted
 * (which hides what the image had there: the verify run shows whether that matters).
 * Mounts inside another mount are folded into it. `isDir` and `bytes` come from the engine.
 */
export function tmpfsFromWrites(roots: ReadonlyArray<WriteRoot & { isDir: boolean; bytes: number }>, existing: readonly string[]): LearnedTmpfs[] {
  const under = (p: string, dir: string): boolean => p === dir || p.startsWith(`${dir}/`);
  const mounts = new Map<string, LearnedTmpfs>();
  const add = (path: string, bytes: number, written: string, masksImage: boolean): void => {
    const m = mounts.get(path) ?? { path, bytes: 0, written: [], masksImage };
    m.bytes += bytes;
    m.written.push(written);
    m.masksImage ||= masksImage;
    mounts.set(path, m);
  };
  for (const r of roots) {
    if (existing.some((e) => under(r.path, e))) continue;
    if (r.added && r.isDir) add(r.path, r.bytes, r.path, false);
    else add(r.added ? dirname(r.path) : r.path, r.bytes, r.path, true);
  }
  // many new directories side by side: one mount of their parent
  const byParent = new Map<string, LearnedTmpfs[]>();
  for (const m of mounts.values()) if (!m.masksImage) (byParent.get(dirname(m.path)) ?? byParent.set(dirname(m.path), []).get(dirname(m.path))!).push(m);
  for (const [parent, kids] of byParent) {
    if (kids.length <= MAX_SIBLING_MOUNTS || parent === '/') continue;
    for (const k of kids) {
      mounts.delete(k.path);
      add(parent, k.bytes, k.path, true);
    }
  }
  const all = [...mounts.values()].sort((a, b) => a.path.length - b.path.length);
  const out: LearnedTmpfs[] = [];
  for (const m of all) {
    const outer = out.find((o) => under(m.path, o.path));
    if (outer) {
      outer.bytes += m.bytes;
      outer.written.push(...m.written);
    } else out.push(m);
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
