import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { applyBaseline } from '../../../src/audit/report/baseline.js';
import { buildReport, fingerprint } from '../../../src/audit/report/build.js';
import { summariseRun } from '../../../src/audit/report/report-dir.js';
import { formatTable } from '../../../src/audit/report/formatters/table.js';
import { formatMarkdown } from '../../../src/audit/report/formatters/markdown.js';
import { formatJunit } from '../../../src/audit/report/formatters/junit.js';
import { renderHtmlReport } from '../../../src/audit/report/formatters/html.js';
import type { Finding, Report, TargetResult } from '../../../src/audit/model.js';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';

const finding = (ruleId: string, target: string): Finding => ({ ruleId, severity: 'critical', message: `${ruleId} on ${target}`, fingerprint: fingerprint(ruleId, target) });
const host = (extra: Partial<TargetResult> = {}): TargetResult => ({ kind: 'host', name: 'unix:///var/run/docker.sock', findings: [finding('HS002', 'h')], errors: [], properties: { containers: 1 }, ...extra });
const container = (name: string, ids: string[]): TargetResult => ({ kind: 'container', name, findings: ids.map((id) => finding(id, name)), errors: [] });
const LISTED = { containersListed: true };
const report = (targets: TargetResult[]): Report => buildReport('audit host', targets, ALL_RULES, new Date('2026-12-04T02:00:00Z'));

describe('applyBaseline: a target gone since the baseline', () => {
  const before = () => report([host(), container('priv', ['CT001', 'CT002']), container('kept', ['CT003'])]);

  it('counts the findings of a removed container as fixed, on a removed target', () => {
    const now = applyBaseline(report([host(), container('kept', ['CT003'])]), before(), LISTED);
    const gone = now.targets.find((t) => t.name === 'priv')!;
    expect(gone.removed).toBe(true);
    expect(gone.findings).toEqual([]);
    expect(gone.fixed!.map((f) => f.ruleId)).toEqual(['CT001', 'CT002']);
    expect(now.targets.find((t) => t.name === 'kept')!.findings[0]!.baseline).toBe('unchanged');
    expect(summariseRun('x.json', now)).toMatchObject({ new: 0, fixed: 2 });
  });

  it('does not count absences when the run could not list everything', () => {
    // containers not listed (the host target has no container count), or a target not read at all
    const unlisted = applyBaseline(report([host({ properties: {}, errors: [{ message: 'containers: timeout' }] })]), before(), LISTED);
    expect(unlisted.targets.some((t) => t.removed)).toBe(false);
    const unreadable = applyBaseline(report([host({ findings: [], errors: [{ message: 'unreachable' }] })]), before(), LISTED);
    expect(unreadable.targets.some((t) => t.removed)).toBe(false);
  });

  it('containers named on the command line (not listed), and targets other than containers, are not "removed" when left out', () => {
    const named = applyBaseline(report([container('kept', ['CT003'])]), before());
    expect(named.targets.some((t) => t.removed)).toBe(false);
    const otherHost = applyBaseline(report([{ ...host(), name: 'tcp://other:2376' }, container('kept', ['CT003']), container('priv', ['CT001', 'CT002'])]), before(), LISTED);
    expect(otherHost.targets.filter((t) => t.removed)).toEqual([]);
  });

  it('a container that could not be read does not stop the others from counting as removed', () => {
    const now = applyBaseline(report([host(), { ...container('kept', []), errors: [{ message: 'disappeared during the audit' }] }]), before(), LISTED);
    expect(now.targets.find((t) => t.name === 'priv')?.removed).toBe(true);
  });

  it('a target that was already removed in the baseline is not fixed twice', () => {
    const first = applyBaseline(report([host(), container('kept', ['CT003'])]), before(), LISTED);
    const second = applyBaseline(report([host(), container('kept', ['CT003'])]), JSON.parse(JSON.stringify(first)) as Report, LISTED);
    expect(second.targets.some((t) => t.removed)).toBe(false);
    expect(summariseRun('x.json', second).fixed).toBe(0);
  });

  it('every formatter that shows the diff shows the removed target and its fixed findings', () => {
    const now = applyBaseline(report([host(), container('kept', ['CT003'])]), before(), LISTED);
    const table = formatTable(now, { color: false });
    expect(table).toContain('container priv\n  target removed or stopped since the baseline\n  fixed since the baseline: 2 (CT001, CT002)');
    expect(table).toMatch(/since the baseline: 0\s+new, 2 fixed\n$/);
    const md = formatMarkdown(now, { color: false });
    expect(md).toContain('Target removed or stopped since the baseline.');
    expect(md).toContain('Fixed since the baseline: CT001, CT002');
    const html = renderHtmlReport(now);
    expect(html).toContain('<span class="n" id="count-fixed">2</span>');
    expect(html).toContain('target removed or stopped since the baseline');
    expect(html.match(/<tr class="fixed"/g)).toHaveLength(2);
    // not audited in this run: no JUnit suite (it would read as a passing container)
    expect(formatJunit(now, { color: false })).not.toContain('container priv');
  });
});

describe('report schema', () => {
  it('a report with a removed target validates against schemas/report.schema.json', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);
    const now = applyBaseline(report([host(), container('kept', ['CT003'])]), report([host(), container('priv', ['CT001'])]), LISTED);
    validate(JSON.parse(JSON.stringify(now)));
    expect(validate.errors ?? []).toEqual([]);
  });
});
