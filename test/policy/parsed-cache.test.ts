import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_POLICY_DIR, loadPolicy } from '../../src/policy/load.js';
import { parsePolicyText } from '../../src/policy/parse-file.js';
import { sha256Text, useParsedDocCache, type ParsedDocCache } from '../../src/policy/parsed-cache.js';
import { toolVersion } from '../../src/version.js';

/** What scripts/cache-builtin-policies.mjs writes at build time. */
async function buildCache(): Promise<ParsedDocCache> {
  const files: ParsedDocCache['files'] = {};
  for (const name of readdirSync(BUILTIN_POLICY_DIR).filter((f) => f.endsWith('.yaml'))) {
    const text = readFileSync(`${BUILTIN_POLICY_DIR}${name}`, 'utf8');
    files[name] = { sha256: sha256Text(text), doc: await parsePolicyText(text, `policies/${name}`) };
  }
  return { toolVersion: toolVersion(), files };
}

afterEach(() => useParsedDocCache(undefined));

describe('the build-time cache of the built-in policy files', () => {
  it.each(['untrusted', 'default', 'service'])('%s loads the same with and without it', async (name) => {
    useParsedDocCache(null);
    const parsed = await loadPolicy(name);
    useParsedDocCache(await buildCache());
    expect(await loadPolicy(name)).toEqual(parsed);
  });

  it('is what the loader uses when the file text matches', async () => {
    const cache = await buildCache();
    cache.files['untrusted.yaml']!.doc.metadata.description = 'from the cache';
    useParsedDocCache(cache);
    expect((await loadPolicy('untrusted')).policy.metadata.description).toBe('from the cache');
  });

  it.each<[string, (c: ParsedDocCache) => void]>([
    ['a file whose text changed since the build', (c) => (c.files['untrusted.yaml']!.sha256 = sha256Text('an older text'))],
    ['another tool version (requires was checked against it)', (c) => (c.toolVersion = '0.0.0-other')],
    ['a file the cache does not have', (c) => delete c.files['untrusted.yaml']],
  ])('is not used for %s', async (_name, spoil) => {
    const cache = await buildCache();
    cache.files['untrusted.yaml']!.doc.metadata.description = 'from the cache';
    spoil(cache);
    useParsedDocCache(cache);
    expect((await loadPolicy('untrusted')).policy.metadata.description).not.toBe('from the cache');
  });

  it('hands out copies: a caller editing a document cannot change the cache', async () => {
    useParsedDocCache(await buildCache());
    const first = await loadPolicy('untrusted');
    first.policy.securityContext.runAsUser = 0;
    expect((await loadPolicy('untrusted')).policy.securityContext.runAsUser).toBe(65534);
  });

  it('is never used for a policy file outside policies/, even one with the same name and text', async () => {
    const cache = await buildCache();
    cache.files['untrusted.yaml']!.doc.metadata.description = 'from the cache';
    useParsedDocCache(cache);
    const dir = mkdtempSync(join(tmpdir(), 'bulkhead-policy-'));
    try {
      copyFileSync(`${BUILTIN_POLICY_DIR}untrusted.yaml`, join(dir, 'untrusted.yaml'));
      const copy = await loadPolicy('./untrusted.yaml', { cwd: dir });
      expect(copy.source).toBe(join(dir, 'untrusted.yaml'));
      expect(copy.policy.metadata.description).not.toBe('from the cache');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
