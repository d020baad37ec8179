import type { Formatter } from './index.js';
import type { Finding, Report, RuleMeta, TargetResult } from '../../model.js';

/**
 * JUnit XML for CI and schedulers: one <testsuite> per target, one <testcase> per finding
 * (a <failure> whose type is the severity), so a dashboard lists each problem by name and
 * tracks it across runs. With --baseline, findings unchanged since the baseline are <skipped>
 * (they do not fail the audit either). A target without findings has one passing testcase;
 * a target that could not be read has an <error>. Which findings fail the job is still
 * decided by --fail-on and the exit code, not by this file.
 */

function xml(s: unknown): string {
  // XML 1.0 forbids most control characters even when escaped
  // eslint-disable-next-line no-control-regex
  return String(s).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function where(f: Finding, target: TargetResult): string {
  const l = f.location;
  if (!l?.path) return target.name;
  return `${l.path}${l.line !== undefined ? `:${l.line}` : ''}`;
}

function testcase(f: Finding, t: TargetResult, rule: RuleMeta | undefined): string {
  const name = `${f.ruleId} ${rule?.title ?? ''} (${where(f, t)})`.replace(/\s+\(/, ' (');
  const body = [f.message, f.evidence ? `evidence: ${f.evidence}` : '', rule ? `fix: ${rule.fix}` : '', f.baseline ? `baseline: ${f.baseline}` : ''].filter(Boolean).join('\n');
  const open = `    <testcase classname="${xml(`bulkhead.${t.kind}.${t.name}`)}" name="${xml(name)}">`;
  if (f.baseline === 'unchanged') return `${open}\n      <skipped message="${xml(`unchanged since baseline: ${f.message}`)}"/>\n    </testcase>`;
  return `${open}\n      <failure message="${xml(f.message)}" type="${xml(f.severity)}">${xml(body)}</failure>\n    </testcase>`;
}

export const formatJunit: Formatter = (report: Report) => {
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  let tests = 0;
  let failures = 0;
  let errors = 0;
  let skipped = 0;
  // a removed target (--baseline) was not audited in this run: no suite
  const suites = report.targets.filter((t) => !t.removed).map((t) => {
    const cases: string[] = [];
    for (const f of t.findings) {
      cases.push(testcase(f, t, rules.get(f.ruleId)));
      if (f.baseline === 'unchanged') skipped++;
      else failures++;
    }
    for (const e of t.errors) {
      cases.push(`    <testcase classname="${xml(`bulkhead.${t.kind}.${t.name}`)}" name="${xml(`read ${t.kind} ${t.name}`)}">\n      <error message="${xml(e.message)}" type="read-error">${xml(e.message)}</error>\n    </testcase>`);
      errors++;
    }
    if (cases.length === 0) cases.push(`    <testcase classname="${xml(`bulkhead.${t.kind}.${t.name}`)}" name="no findings"/>`);
    const suiteSkipped = t.findings.filter((f) => f.baseline === 'unchanged').length;
    tests += cases.length;
    return `  <testsuite name="${xml(`${t.kind} ${t.name}`)}" tests="${cases.length}" failures="${t.findings.length - suiteSkipped}" errors="${t.errors.length}" skipped="${suiteSkipped}" timestamp="${xml(report.createdAt.replace(/Z$/, ''))}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  if (report.targets.length === 0) tests = 0;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xml(`bulkhead ${report.command}`)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
};
