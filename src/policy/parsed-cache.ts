/**
 * The built-in policies' files, parsed and checked once at build time
 * (scripts/cache-builtin-policies.mjs writes dist/policy/builtin-docs.json): `bulkhead run
 * --policy untrusted` then skips YAML, the schema validator and semver at startup (~4 ms, see
 * docs/run.md). An entry is used only when the file's text still hashes to what was parsed and
 * the tool version is the one that checked `requires`; anything else is parsed as usual.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { toolVersion } from '../version.js';
import type { PolicyDocument } from './types.js';

export interface ParsedDocCache {
  toolVersion: string;
  /** by file name in policies/ */
  files: Record<string, { sha256: string; doc: PolicyDocument }>;
}

export const PARSED_DOC_CACHE_URL = new URL('builtin-docs.json', import.meta.url);

let cache: ParsedDocCache | null | undefined;

/** Tests point the loader at a cache of their own (null: none). */
export function useParsedDocCache(next: ParsedDocCache | null | undefined): void {
  cache = next;
}

function loadCache(): ParsedDocCache | null {
  if (cache === undefined) {
    try {
      cache = JSON.parse(readFileSync(PARSED_DOC_CACHE_URL, 'utf8')) as ParsedDocCache;
    } catch {
      cache = null; // not built (tests run src/), or unreadable: parse as usual
    }
  }
  return cache;
}

export const sha256Text = (text: string): string => createHash('sha256').update(text).digest('hex');

/** The parsed document of a built-in policy file, when the cache holds this very text. */
export function cachedBuiltinDoc(file: string, text: string): PolicyDocument | undefined {
  const c = loadCache();
  if (!c || c.toolVersion !== toolVersion()) return undefined;
  const entry = c.files[basename(file)];
  if (!entry || entry.sha256 !== sha256Text(text)) return undefined;
  // a copy: callers merge documents into new policies, but must never be able to edit the cache
  return structuredClone(entry.doc);
}
