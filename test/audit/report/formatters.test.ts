import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { FORMATTERS } from '../../../src/audit/report/formatters/index.js';
import { sarifLevel, securitySeverity } from '../../../src/audit/report/formatters/sarif.js';
import { sampleReport } from './sample.js';
import { MARKDOWN_MAX_CHARS } from '../../../src/audit/report/formatters/markdown.js';
import { sarifValidator } from './sarif-schema.js';
import { buildReport } from '../../../src/audit/report/build.js';

const root = new URL('../../../', import.meta.url);

async function format(name: keyof typeof FORMATTERS, report = sampleReport()): Promise<string> {
  return (await FORMATTERS[name]())(report, { color: false });
}

describe('sarif formatter', () => {
  const validate = sarifValidator();

  it('validates against the official SARIF 2.1.0 schema', async () => {
    const sarif = JSON.parse(await format('sarif'));
    const ok = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('also validates when there are no findings and no rules', async () => {
    const sarif = JSON.parse(await format('sarif', buildReport('audit dockerfile', [], [])));
    expect(validate(sarif)).toBe(true);
    expect(sarif.runs[0].results).toEqual([]);
  });

  it('describes rules from their metadata, with level and security-severity', async () => {
    const run = JSON.parse(await format('sarif')).runs[0];
    const df001 = run.tool.driver.rules.find((r: { id: string }) => r.id === 'DF001');
    expect(df001.name).toBe('final-user-root');
    expect(df001.defaultConfiguration.level).toBe('error');
    expect(df001.properties['security-severity']).toBe('8.0');
    expect(df001.properties.tags).toContain('CIS-4.1');
    expect(df001.help.markdown).toContain('**Fix:** Add `USER 10001` near the end.');
    const info = run.tool.driver.rules.find((r: { id: string }) => r.id === 'DF040');
    expect(info.properties['security-severity']).toBeUndefined();
  });

  it('gives files a physical location with a line, images a logical one, and fingerprints', async () => {
    const run = JSON.parse(await format('sarif')).runs[0];
    const [df, , img] = run.results;
    expect(df.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'services/api/Dockerfile' }, region: { startLine: 12 } });
    expect(df.partialFingerprints['bulkhead/v1']).toMatch(/^[0-9a-f]{16}$/);
    expect(run.results[1].baselineState).toBe('new');
    expect(run.results[1].locations[0].logicalLocations[0]).toMatchObject({ name: 'build', kind: 'namespace' });
    expect(img.level).toBe('error');
    expect(img.locations[0].physicalLocation.artifactLocation.uri).toBe('example/app:1.0/root/.ssh/id_rsa');
    expect(img.locations[0].logicalLocations[0]).toMatchObject({ name: 'example/app:1.0', kind: 'module' });
    expect(run.results[img ? 2 : 0].ruleIndex).toBe(run.tool.driver.rules.findIndex((r: { id: string }) => r.id === 'IMG004'));
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toContain('unknown instruction FRM');
  });

  it('maps severities to levels in one function', () => {
    expect((['critical', 'high', 'medium', 'low', 'info'] as const).map(sarifLevel)).toEqual(['error', 'error', 'warning', 'note', 'note']);
    expect(securitySeverity('critical')).toBe('9.5');
  });
});

describe('json formatter', () => {
  it('validates against schemas/report.schema.json', async () => {
    const schema = JSON.parse(readFileSync(new URL('schemas/report.schema.json', root), 'utf8'));
    const validate = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);
    const report = JSON.parse(await format('json'));
    validate(report);
    expect(validate.errors ?? []).toEqual([]);
  });

  it('the schema rejects a report that breaks the model', () => {
    const schema = JSON.parse(readFileSync(new URL('schemas/report.schema.json', root), 'utf8'));
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
    const bad = sampleReport() as unknown as { targets: Array<{ findings: Array<Record<string, unknown>> }> };
    bad.targets[0]!.findings[0]!.severity = 'severe';
    expect(validate(bad)).toBe(false);
  });
});

describe('markdown formatter', () => {
  it('summarises by severity and groups findings by target with rule links and fixes', async () => {
    const md = await format('markdown');
    expect(md).toContain('| 🟥 critical | 1 |');
    expect(md).toContain('| 🟧 high | 1 |');
    expect(md).toContain('### dockerfile `services/api/Dockerfile`');
    expect(md).toContain('### image `example/app:1.0`');
    expect(md).toContain('[DF001](docs/rules/DF001.md) Final stage runs as root');
    expect(md).toContain('Add `USER 10001` near the end.');
    expect(md).toContain('**could not read** (line 3)');
    // a newline or pipe inside a message must not break the table row
    const row = md.split('\n').find((l) => l.includes('DF040'));
    expect(row).toContain('and newlines');
    expect(row).toContain('**(new)**');
  });
});

describe('markdown size limit', () => {
  it('stays under GitHub\'s comment limit and counts what it left out', async () => {
    const report = sampleReport();
    const t = report.targets[0]!;
    t.findings = Array.from({ length: 2000 }, (_, i) => ({ ...t.findings[0]!, message: `finding number ${i} with some words to take space`, fingerprint: `${i}`.padStart(16, '0') }));
    const md = await format('markdown', report);
    expect(md.length).toBeLessThan(MARKDOWN_MAX_CHARS + 500);
    expect(md).toContain('| 🟧 high | 2000 |');
    const shown = md.split('\n').filter((l) => l.includes('finding number')).length;
    expect(md).toContain(`…and ${2000 - shown + 1} more finding(s) not shown`);
  });
});

describe('github formatter', () => {
  it('writes one annotation per finding with file, line and escaped text', async () => {
    const lines = (await format('github')).trimEnd().split('\n');
    expect(lines[0]).toBe('::error file=services/api/Dockerfile,line=3,title=bulkhead could not read services/api/Dockerfile::line 3: unknown instruction FRM');
    expect(lines[1]).toBe('::error file=services/api/Dockerfile,line=12,title=DF001 (high)::final stage has no USER, so it runs as root');
    expect(lines[2]).toBe('::notice file=services/api/Dockerfile,line=1,title=DF040 (info)::no HEALTHCHECK: 100%25, with commas, colons: and%0Anewlines [stage build]');
    expect(lines[3]).toBe('::error title=IMG004 (critical) example/app%3A1.0 /root/.ssh/id_rsa::private key in /root/.ssh/id_rsa');
  });
});
