import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';
import { renderRulePage, renderRuleTable } from '../../../src/audit/report/rule-docs.js';
import type { RuleMeta } from '../../../src/audit/model.js';

describe('bulkhead rules list / explain', () => {
  it('lists every family, filtered by --target, as table or json', async () => {
    const all = await runCli(['rules', 'list', '--format', 'json']);
    expect((JSON.parse(all.stdout) as RuleMeta[]).map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.id));
    const df = await runCli(['rules', 'list', '--target', 'dockerfile']);
    expect(df.code).toBe(0);
    expect(df.stdout).toContain('DF001');
    expect(df.stdout).toContain(`${ALL_RULES.filter((r) => r.target === 'dockerfile').length} rule(s)`);
    expect(df.stdout).not.toMatch(/\bCT0\d\d\b/);
  });

  it('--cis keeps rules mapped to the CIS benchmark and shows their ids', async () => {
    const r = await runCli(['rules', 'list', '--cis', '--format', 'json']);
    const rules = JSON.parse(r.stdout) as RuleMeta[];
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.every((x) => (x.cis?.length ?? 0) > 0)).toBe(true);
    const table = await runCli(['rules', 'list', '--cis', '--target', 'dockerfile']);
    expect(table.stdout).toMatch(/DF001.*4\.1/);
  });

  it('explains a rule by id or slug; an unknown one is exit 2', async () => {
    const byId = await runCli(['rules', 'explain', 'df004']);
    const bySlug = await runCli(['rules', 'explain', 'chmod-setuid']);
    expect(byId.stdout).toBe(bySlug.stdout);
    expect(byId.stdout).toContain('DF004 chmod-setuid (dockerfile, high)');
    expect(byId.stdout).toContain('How to fix it:');
    expect(byId.stdout).toContain('Docs: docs/rules/DF004.md');
    const missing = await runCli(['rules', 'explain', 'DF999']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no rule has the id or slug "DF999"');
  });
});

describe('bulkhead rules docs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-docs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const readme = join(dir, 'README.md');
  const pages = join(dir, 'rules');

  it('--check fails on missing pages and README drift, writing fixes both, then --check passes', async () => {
    writeFileSync(readme, '# x\n\n<!-- rules:start -->\nold\n<!-- rules:end -->\n\nafter\n');
    const before = await runCli(['rules', 'docs', '--check', '--write', pages, '--readme', readme]);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain('DF001.md: missing or stale');
    expect(before.stderr).toContain('rule table stale');

    const write = await runCli(['rules', 'docs', '--write', pages, '--readme', readme]);
    expect(write.code).toBe(0);
    expect(readFileSync(join(pages, 'DF001.md'), 'utf8')).toBe(renderRulePage(ALL_RULES.find((r) => r.id === 'DF001')!));
    expect(readFileSync(readme, 'utf8')).toBe(`# x\n\n<!-- rules:start -->\n${renderRuleTable(ALL_RULES)}\n<!-- rules:end -->\n\nafter\n`);

    const after = await runCli(['rules', 'docs', '--check', '--write', pages, '--readme', readme]);
    expect(after.code).toBe(0);
  });

  it('a hand-edited page is stale; a page for a rule that does not exist is orphaned and removed on write', async () => {
    writeFileSync(join(pages, 'DF002.md'), 'edited by hand\n');
    writeFileSync(join(pages, 'DF998.md'), 'no such rule\n');
    const check = await runCli(['rules', 'docs', '--check', '--write', pages, '--readme', readme]);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('DF002.md: missing or stale');
    expect(check.stderr).toContain('DF998.md: no rule has this id');
    await runCli(['rules', 'docs', '--write', pages, '--readme', readme]);
    expect(existsSync(join(pages, 'DF998.md'))).toBe(false);
  });

  it('a README without the markers is a usage error', async () => {
    const plain = join(dir, 'PLAIN.md');
    writeFileSync(plain, '# nothing\n');
    const r = await runCli(['rules', 'docs', '--write', pages, '--readme', plain]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has no <!-- rules:start --> / <!-- rules:end --> markers');
  });

  it('pages carry id, title, severity, target, rationale, fix, CIS ids and the example', () => {
    const page = renderRulePage(ALL_RULES.find((r) => r.id === 'DF001')!);
    for (const part of ['# DF001: Final stage runs as root', '| Default severity | high |', '| Target | dockerfile |', '| CIS Docker Benchmark v1.6.0 | 4.1 Ensure that a user for the container has been created |', '## Why it matters', '## How to fix it', '## Example', '## References']) {
      expect(page).toContain(part);
    }
  });
});
