// Parses and checks the built-in policy files once, at build time (after tsc), into
// dist/policy/builtin-docs.json: src/policy/parsed-cache.ts uses an entry only while the file's
// text hashes the same, so an edited policy is parsed as usual. Why: `bulkhead run` then skips
// js-yaml, the schema validator and semver at startup (docs/run.md).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = new URL('../dist/policy/', import.meta.url);
const { parsePolicyText } = await import(new URL('parse-file.js', dist).href);
const { sha256Text, PARSED_DOC_CACHE_URL } = await import(new URL('parsed-cache.js', dist).href);
const { toolVersion } = await import(new URL('../version.js', dist).href);

const dir = fileURLToPath(new URL('../policies/', import.meta.url));
const files = {};
for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  const text = readFileSync(`${dir}${name}`, 'utf8');
  files[name] = { sha256: sha256Text(text), doc: await parsePolicyText(text, `policies/${name}`) };
}
writeFileSync(PARSED_DOC_CACHE_URL, `${JSON.stringify({ toolVersion: toolVersion(), files })}\n`);
