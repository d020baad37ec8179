import { describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../../../src/audit/report/formatters/html.js';
import { buildReport, fingerprint } from '../../../src/audit/report/build.js';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';
import type { TargetResult } from '../../../src/audit/model.js';
import { fleetReport } from './fleet.js';

function containers(n: number, name = (i: number) => `web-${i}`): TargetResult[] {
  return Array.from({ length: n }, (_, i) => ({
    kind: 'container' as const,
    name: name(i),
    findings: [{ ruleId: 'CT013', severity: 'medium' as const, message: `container ${name(i)} has no memory limit`, fingerprint: fingerprint('CT013', name(i)) }],
    errors: [],
  }));
}

describe('html layout (without a browser)', () => {
  it('a rule on 40 containers is one row naming 24 and folding the other 16', () => {
    const html = renderHtmlReport(buildReport('audit container', containers(40), ALL_RULES));
    const rows = html.match(/<tr class="group"[^>]*data-rule="CT013"[^>]*>/g) ?? [];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain('data-targets="40"');
    expect(html).toContain('<summary>and 16 more</summary>');
    expect(html.match(/<li><a href="#target-\d+">web-\d+<\/a><\/li>/g)).toHaveLength(40);
  });

  it('escapes target names in the grouped rows', () => {
    const html = renderHtmlReport(buildReport('audit container', containers(3, (i) => `<img src=x onerror=alert(${i})>`), ALL_RULES));
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&#60;img src=x onerror=alert(0)&#62;');
  });

  it('the page reads worst first: critical and high, then by rule, then targets, then checks passed', () => {
    const html = renderHtmlReport(fleetReport());
    const at = (s: string) => html.indexOf(s);
    expect(at('id="worst"')).toBeGreaterThan(0);
    expect(at('id="worst"')).toBeLessThan(at('id="by-rule"'));
    expect(at('id="by-rule"')).toBeLessThan(at('id="targets-heading"'));
    expect(at('id="targets-heading"')).toBeLessThan(at('id="passed"'));
    const firstRow = html.slice(at('id="worst-findings"')).match(/<tr class="group" data-severity="(\w+)"/);
    expect(firstRow?.[1]).toBe('critical');
  });

  it('says when a report does not record what was evaluated', () => {
    const r = fleetReport();
    for (const t of r.targets) delete t.evaluated;
    delete r.evaluatedRules;
    expect(renderHtmlReport(r)).toContain('does not record which rules were evaluated');
  });
});
