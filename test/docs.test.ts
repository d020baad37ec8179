import { readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_RULES } from '../src/audit/rules/registry.js';
import { checkRuleDocs } from '../src/audit/report/rule-docs-files.js';
import type { RuleMeta } from '../src/audit/model.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const FAMILIES = ['dockerfile', 'image', 'container', 'host', 'kubernetes'] as const;

/** Every rule module on disk, imported, with the Rule objects it exports. */
async function ruleModules(): Promise<Array<{ family: string; file: string; metas: RuleMeta[] }>> {
  const out: Array<{ family: string; file: string; metas: RuleMeta[] }> = [];
  for (const family of FAMILIES) {
    const dir = `${root}src/audit/rules/${family}`;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'))) {
      const mod = (await import(`${dir}/${file}`)) as Record<string, unknown>;
      const metas = Object.values(mod)
        .filter((v): v is { meta: RuleMeta; check: unknown } => typeof v === 'object' && v !== null && 'meta' in v && 'check' in v)
        .map((v) => v.meta);
      out.push({ family, file, metas });
    }
  }
  return out;
}

describe('rule metadata and generated docs stay in step (all families)', () => {
  it('ids and slugs are unique and well-formed', () => {
    const ids = ALL_RULES.map((r) => r.id);
    const slugs = ALL_RULES.map((r) => `${r.target}/${r.slug}`);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(slugs.filter((s, i) => slugs.indexOf(s) !== i)).toEqual([]);
    for (const r of ALL_RULES) {
      expect(r.id, r.id).toMatch(/^[A-Z]+[0-9]{3}$/);
      expect(r.slug, r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.rationale.length, `${r.id} rationale`).toBeGreaterThan(20);
      expect(r.fix.length, `${r.id} fix`).toBeGreaterThan(10);
    }
  });

  it('each rule file exports one rule whose slug is its file name, registered in its family index', async () => {
    const registered = new Set(ALL_RULES);
    const problems: string[] = [];
    for (const { family, file, metas } of await ruleModules()) {
      if (metas.length !== 1) problems.push(`${family}/${file}: exports ${metas.length} rules (one per file)`);
      for (const m of metas) {
        if (m.slug !== basename(file, '.ts')) problems.push(`${family}/${file}: slug "${m.slug}" does not match the file name`);
        if (m.target !== family) problems.push(`${family}/${file}: target "${m.target}" is not its family`);
        if (!registered.has(m)) problems.push(`${family}/${file}: ${m.id} is not in src/audit/rules/${family}/index.ts`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every rule has an up-to-date page in docs/rules, none is orphaned, and the README table matches', () => {
    const drift = checkRuleDocs(ALL_RULES, `${root}docs/rules`, `${root}README.md`);
    const hint = 'run `npm run docs:rules` to regenerate';
    expect(drift.stale.map((p) => p.slice(root.length)), hint).toEqual([]);
    expect(drift.orphaned.map((p) => p.slice(root.length)), hint).toEqual([]);
    expect(drift.readme, hint).toBe('ok');
  });
});
