import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Gate audits by image id: every finding of the image, whatever the policy (the image gate's
 * JSON, opaque here). An image id is the digest of its config, so its layers cannot change
 * under the same id: auditing it again with the same bulkhead version would find the same.
 * Each policy's threshold and allowlists are applied to the cached audit, so repeated
 * `bulkhead run`s of one image, under any policy, export and scan it once.
 */
export interface GateCache {
  get(key: string): unknown;
  set(key: string, audit: unknown): void;
}

export function gateCacheKey(imageId: string, toolVersion: string): string {
  return createHash('sha256').update(JSON.stringify({ imageId, toolVersion })).digest('hex');
}

/** $XDG_CACHE_HOME/bulkhead/gate (or ~/.cache/bulkhead/gate); unusable caches are ignored. */
export function fileGateCache(env: Record<string, string | undefined>, dir?: string): GateCache {
  const root = dir ?? join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'bulkhead', 'gate');
  return {
    // the image gate checks what it reads back (a damaged or older entry is audited again)
    get(key) {
      try {
        return JSON.parse(readFileSync(join(root, `${key}.json`), 'utf8')) as unknown;
      } catch {
        // missing or unreadable: audit again
        return undefined;
      }
    },
    set(key, audit) {
      try {
        mkdirSync(root, { recursive: true, mode: 0o700 });
        // write then rename, so a concurrent run never reads half a file
        const tmp = join(root, `${key}.${process.pid}.tmp`);
        writeFileSync(tmp, JSON.stringify(audit), { mode: 0o600 });
        renameSync(tmp, join(root, `${key}.json`));
      } catch {
        // a read-only home must not fail the run; the next run audits again
      }
    },
  };
}
