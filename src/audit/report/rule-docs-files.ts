import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleMeta } from '../model.js';
import { renderRulePage, spliceReadme, type DocsDrift } from './rule-docs.js';

const PAGE_NAME = /^[A-Z]+[0-9]+\.md$/;

function readOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Compares docs/rules/*.md and the README table with what the metadata generates. */
export function checkRuleDocs(rules: readonly RuleMeta[], dir: string, readmePath: string): DocsDrift {
  const stale = rules.filter((r) => readOr(join(dir, `${r.id}.md`)) !== renderRulePage(r)).map((r) => join(dir, `${r.id}.md`));
  const ids = new Set(rules.map((r) => `${r.id}.md`));
  const orphaned = existsSync(dir) ? readdirSync(dir).filter((f) => PAGE_NAME.test(f) && !ids.has(f)).map((f) => join(dir, f)) : [];
  const readme = readOr(readmePath);
  let readmeState: DocsDrift['readme'] = 'ok';
  if (readme === undefined) readmeState = 'missing';
  else {
    const spliced = spliceReadme(readme, rules);
    if (spliced === undefined) readmeState = 'no-markers';
    else if (spliced !== readme) readmeState = 'stale';
  }
  return { stale, orphaned, readme: readmeState };
}

/** Writes every page whose content changed, removes orphaned pages, and updates the README table. */
export function writeRuleDocs(rules: readonly RuleMeta[], dir: string, readmePath: string): { written: string[]; removed: string[]; readme: DocsDrift['readme'] } {
  mkdirSync(dir, { recursive: true });
  const drift = checkRuleDocs(rules, dir, readmePath);
  const byPath = new Map(rules.map((r) => [join(dir, `${r.id}.md`), r]));
  for (const p of drift.stale) writeFileSync(p, renderRulePage(byPath.get(p)!));
  for (const p of drift.orphaned) unlinkSync(p);
  if (drift.readme === 'stale') writeFileSync(readmePath, spliceReadme(readFileSync(readmePath, 'utf8'), rules)!);
  return { written: drift.stale, removed: drift.orphaned, readme: drift.readme === 'stale' ? 'ok' : drift.readme };
}
