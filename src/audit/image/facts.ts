/**
 * What the image rules read: the image config, and every layer's FilesystemScan in order,
 * with the history instruction that made it and a view of what survives into the final
 * filesystem. Built once per image by read-image.ts; rules never do IO.
 */
import { posix } from 'node:path';
import type { FilesystemScan } from './fs-scan.js';

export interface HistoryEntry {
  createdBy?: string;
  emptyLayer: boolean;
}

export interface ImageConfigFacts {
  /** Config.User as written ("" or undefined when unset) */
  user?: string;
  env: string[];
  labels: Record<string, string>;
  /** "22/tcp", ... */
  exposedPorts: string[];
  /** Config.Healthcheck.Test, when set */
  healthcheck?: string[];
  history: HistoryEntry[];
}

export interface ImageLayerFacts {
  /** 0-based, bottom layer first */
  index: number;
  /** the layer's diff id (sha256 of the uncompressed tar) when the config lists it, else the blob digest */
  digest: string;
  /** the history instruction that made this layer (history entries with empty_layer skipped) */
  createdBy?: string;
  /** where the layer was found in the archive */
  source: string;
  scan?: FilesystemScan;
  /** why the layer could not be read at all */
  error?: string;
  /** the manifest lists this blob more than once: index of the first listing */
  duplicateOf?: number;
}

export interface ImageFacts {
  /** as the user named it: a ref, a file or a directory */
  name: string;
  /** image id (config digest) when known */
  id?: string;
  config?: ImageConfigFacts;
  layers: ImageLayerFacts[];
  /** problems reading the image as a whole (missing manifest, unreadable config) */
  errors: string[];
  /** warnings about the archive itself (history/layer count mismatch, duplicate layers) */
  notes: string[];
  final: FinalView;
}

/** Per layer, what it does to the layers below: entries it puts at a path, and deletions. */
interface LayerChanges {
  paths: Set<string>;
  nonDirs: Set<string>;
  deleted: Set<string>;
  opaque: Set<string>;
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  let p = posix.dirname(path);
  while (p !== '/' && p !== '.') {
    out.push(p);
    p = posix.dirname(p);
  }
  return out;
}

/**
 * Whether a path written by layer i is still there in the final filesystem, and if not,
 * which later layer hid it. Deleting a file (whiteout), hiding its directory (opaque
 * whiteout), replacing it or replacing a parent with a non-directory all hide it from the
 * running container, and none of them remove the bytes from layer i.
 */
export class FinalView {
  private readonly changes: Array<LayerChanges | undefined>;
  constructor(scans: Array<FilesystemScan | undefined>) {
    this.changes = scans.map((s) => {
      if (!s) return undefined;
      const c: LayerChanges = { paths: new Set(), nonDirs: new Set(), deleted: new Set(), opaque: new Set() };
      for (const e of s.entries) {
        c.paths.add(e.path);
        if (e.type !== 'directory') c.nonDirs.add(e.path);
      }
      for (const w of s.whiteouts) (w.opaque ? c.opaque : c.deleted).add(w.path);
      return c;
    });
  }

  /** The index of the first later layer that hides `path` from layer `layer`, or undefined when it survives. */
  hiddenBy(layer: number, path: string): number | undefined {
    const up = ancestors(path);
    for (let j = layer + 1; j < this.changes.length; j++) {
      const c = this.changes[j];
      if (!c) continue;
      if (c.paths.has(path) || c.deleted.has(path)) return j;
      for (const a of up) if (c.deleted.has(a) || c.opaque.has(a) || c.nonDirs.has(a)) return j;
    }
    return undefined;
  }

  visible(layer: number, path: string): boolean {
    return this.hiddenBy(layer, path) === undefined;
  }
}
