import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { applyAuditConfig, globToRegExp, loadAuditConfig, parseAuditConfig } from '../../../src/audit/config.js';
import { buildReport, fingerprint } from '../../../src/audit/report/build.js';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';
import type { Finding, TargetResult } from '../../../src/audit/model.js';

const finding = (ruleId: string, path: string, severity: Finding['severity'] = 'high'): Finding => ({ ruleId, severity, message: `${ruleId} here`, location: { path, line: 3 }, fingerprint: fingerprint(ruleId, path) });

function report() {
  const targets: TargetResult[] = [
    { kind: 'dockerfile', name: 'svc/a/Dockerfile', findings: [finding('DF001', 'svc/a/Dockerfile'), finding('DF010', 'svc/a/Dockerfile'), finding('DF030', 'svc/a/Dockerfile', 'info')], errors: [] },
    { kind: 'dockerfile', name: 'legacy/Dockerfile', findings: [finding('DF001', 'legacy/Dockerfile')], errors: [] },
  ];
  return buildReport('audit dockerfile', targets, ALL_RULES);
}

describe('.bulkhead.yaml parsing', () => {
  it('schemas/config.schema.json is a valid draft-07 schema (the loader skips that check at run time)', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/config.schema.json', import.meta.url), 'utf8'));
    const ajv = new Ajv({ strict: true });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
  });

  it('accepts ids or slugs, severities, off, ignores and trusted registries', () => {
    const c = parseAuditConfig(
      'version: 1\nrules:\n  DF010: low\n  missing-healthcheck: off\nignores:\n  - rule: final-user-root\n    path: legacy/**\n    reason: migrating in Q3\n    until: 2030-01-31\ntrustedRegistries: [registry.example.com, docker.io/library]\n',
      '.bulkhead.yaml',
    );
    expect(c.severity).toEqual({ DF010: 'low' });
    expect(c.disabled).toEqual(['DF030']);
    expect(c.ignores).toEqual([{ rule: 'DF001', path: 'legacy/**', reason: 'migrating in Q3', until: '2030-01-31', line: 6 }]);
    expect(c.trustedRegistries).toEqual(['registry.example.com', 'docker.io/library']);
  });

  const bad: Array<[string, string, string]> = [
    ['unknown field', 'rules: {}\nignore: []\n', '.bulkhead.yaml:2: unknown field "ignore"'],
    ['missing reason', 'ignores:\n  - rule: DF001\n    path: x\n', '.bulkhead.yaml:2: ignores[0]: missing required field "reason"'],
    ['bad severity', 'rules:\n  DF001: severe\n', '.bulkhead.yaml:2: rules.DF001: must be equal to one of the allowed values: info, low, medium, high, critical, off'],
    ['unknown rule', 'rules:\n  DF999: low\n', '.bulkhead.yaml:2: rules.DF999: no rule has this id or slug (see bulkhead rules list)'],
    ['unknown ignore rule', 'ignores:\n  - rule: nope\n    reason: because\n', '.bulkhead.yaml:2: ignores[0].rule: no rule has the id or slug "nope"'],
    ['bad date format', 'ignores:\n  - rule: DF001\n    reason: because\n    until: 31/01/2030\n', '.bulkhead.yaml:4: ignores[0].until: must be a date written YYYY-MM-DD'],
    ['impossible date', 'ignores:\n  - rule: DF001\n    reason: because\n    until: 2030-02-31\n', '.bulkhead.yaml:4: ignores[0].until: 2030-02-31 is not a calendar day'],
    ['blank reason', "ignores:\n  - rule: DF001\n    reason: '   '\n", '.bulkhead.yaml:3: ignores[0].reason: say why the finding is accepted'],
    ['not YAML', 'rules: [\n', '.bulkhead.yaml:2: not valid YAML'],
    ['not a mapping', '- a\n- b\n', '.bulkhead.yaml:1: must be object'],
  ];
  it.each(bad)('%s: one line naming file, line and field', (_name, text, message) => {
    expect(() => parseAuditConfig(text, '.bulkhead.yaml')).toThrow(message);
  });
});

describe('applying the config to a report', () => {
  it('disables, overrides severity and ignores by rule and path glob; reports unused ignores', () => {
    const r = report();
    const config = parseAuditConfig('rules:\n  DF010: low\n  DF030: off\nignores:\n  - rule: DF001\n    path: legacy/**\n    reason: migrating\n  - rule: DF017\n    reason: not used\n', 'c.yaml');
    const outcome = applyAuditConfig(r, config, new Date('2026-01-01T00:00:00Z'));
    expect(r.targets[0]!.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['DF001:high', 'DF010:low']);
    expect(r.targets[1]!.findings).toEqual([]);
    expect(outcome.suppressed).toBe(1);
    expect(outcome.unused.map((i) => i.rule)).toEqual(['DF017']);
    expect(r.rules.map((m) => m.id)).toEqual(['DF001', 'DF010']);
  });

  it('an ignore applies through its until day and stops after it', () => {
    const config = parseAuditConfig('ignores:\n  - rule: DF001\n    reason: migrating\n    until: 2026-03-31\n', 'c.yaml');
    const during = report();
    expect(applyAuditConfig(during, config, new Date('2026-03-31T23:00:00Z')).expired).toEqual([]);
    expect(during.targets.flatMap((t) => t.findings).map((f) => f.ruleId)).not.toContain('DF001');
    const after = report();
    const outcome = applyAuditConfig(after, config, new Date('2026-04-01T00:00:00Z'));
    expect(outcome.expired.map((i) => i.until)).toEqual(['2026-03-31']);
    expect(after.targets.flatMap((t) => t.findings).filter((f) => f.ruleId === 'DF001')).toHaveLength(2);
  });

  it('target globs match target names (image refs, container names)', () => {
    expect(globToRegExp('registry.example.com/*:*').test('registry.example.com/app:1.2')).toBe(true);
    expect(globToRegExp('svc/*/Dockerfile').test('svc/a/b/Dockerfile')).toBe(false);
    expect(globToRegExp('svc/**/Dockerfile').test('svc/a/b/Dockerfile')).toBe(true);
    expect(globToRegExp('**/Dockerfile').test('Dockerfile')).toBe(true);
  });
});

describe('finding the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses ./.bulkhead.yaml when present, the empty config otherwise, and --config must exist', () => {
    expect(loadAuditConfig(undefined, dir).source).toBeUndefined();
    writeFileSync(join(dir, '.bulkhead.yaml'), 'trustedRegistries: [ghcr.io/acme]\n');
    expect(loadAuditConfig(undefined, dir)).toMatchObject({ source: '.bulkhead.yaml', trustedRegistries: ['ghcr.io/acme'] });
    expect(() => loadAuditConfig('missing.yaml', dir)).toThrow('--config missing.yaml: cannot read (ENOENT)');
  });
});
