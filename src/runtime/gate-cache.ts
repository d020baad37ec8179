import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HardeningPlan } from '../policy/plan.js';

export interface GateVerdict {
  refused: boolean;
  summary: string[];
}

/**
 * Gate verdicts by image id. An image id is the digest of its config, so its layers cannot
 * change under the same id: auditing it again for the same gate settings and the same
 * bulkhead version would give the same verdict. This keeps repeated `bulkhead run`s of one
 * image from exporting and scanning it every time.
 */
export interface GateCache {
  get(key: string): GateVerdict | undefined;
  set(key: string, verdict: GateVerdict): void;
}

export function gateCacheKey(imageId: string, gate: HardeningPlan['gate'], toolVersion: string): string {
  return createHash('sha256').update(JSON.stringify({ imageId, gate, toolVersion })).digest('hex');
}

/** $XDG_CACHE_HOME/bulkhead/gate (or ~/.cache/bulkhead/gate); unusable caches are ignored. */
export function fileGateCache(env: Record<string, string | undefined>, dir?: string): GateCache {
  const root = dir ?? join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'bulkhead', 'gate');
  return {
    get(key) {
      try {
        const v = JSON.parse(readFileSync(join(root, `${key}.json`), 'utf8')) as Partial<GateVerdict>;
        if (typeof v.refused === 'boolean' && Array.isArray(v.summary) && v.summary.every((s) => typeof s === 'string')) {
          return { refused: v.refused, summary: v.summary };
        }
      } catch {
        // missing or unreadable: audit again
      }
      return undefined;
    },
    set(key, verdict) {
      try {
        mkdirSync(root, { recursive: true, mode: 0o700 });
        // write then rename, so a concurrent run never reads half a file
        const tmp = join(root, `${key}.${process.pid}.tmp`);
        writeFileSync(tmp, JSON.stringify(verdict), { mode: 0o600 });
        renameSync(tmp, join(root, `${key}.json`));
      } catch {
        // a read-only home must not fail the run; the next run audits again
      }
    },
  };
}
