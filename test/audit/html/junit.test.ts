import { describe, expect, it } from 'vitest';
import { formatJunit } from '../../../src/audit/report/formatters/junit.js';
import { formatHtml } from '../../../src/audit/report/formatters/html.js';
import { buildReport } from '../../../src/audit/report/build.js';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';
import type { Report } from '../../../src/audit/model.js';

function report(): Report {
  return buildReport(
    'audit container',
    [
      {
        kind: 'container',
        name: 'web',
        findings: [
          { ruleId: 'CT001', severity: 'critical', message: 'container web runs with --privileged & <more>', fingerprint: 'a', baseline: 'new' },
          { ruleId: 'CT013', severity: 'medium', message: 'no memory limit', fingerprint: 'b', baseline: 'unchanged', location: { path: '/x' } },
        ],
        errors: [],
      },
      { kind: 'container', name: 'gone', findings: [], errors: [{ message: 'container gone disappeared during the audit' }] },
      { kind: 'container', name: 'ok', findings: [], errors: [] },
    ],
    ALL_RULES,
  );
}

describe('junit formatter', () => {
  const out = formatJunit(report(), { color: false });

  it('has one suite per target and one testcase per finding, failing with the severity as type', () => {
    expect(out.match(/<testsuite /g)).toHaveLength(3);
    expect(out).toMatch(/<testsuites name="bulkhead audit container" tests="4" failures="1" errors="1" skipped="1">/);
    expect(out).toContain('<failure message="container web runs with --privileged &#38; &#60;more&#62;" type="critical">');
    expect(out).toContain('fix: Recreate the container without --privileged');
  });

  it('skips findings unchanged since the baseline, reports unreadable targets as errors, passes clean ones', () => {
    expect(out).toMatch(/name="CT013 No memory limit \(\/x\)">\s*<skipped message="unchanged since baseline: no memory limit"\/>/);
    expect(out).toMatch(/<error message="container gone disappeared during the audit" type="read-error">/);
    expect(out).toMatch(/<testsuite name="container ok" tests="1" failures="0" errors="0" skipped="0"[^>]*>\s*<testcase classname="bulkhead.container.ok" name="no findings"\/>/);
  });
});

describe('html formatter (without a browser)', () => {
  it('is one file with no external reference and only its own script allowed', () => {
    const html = formatHtml(report(), { color: false });
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//);
    expect(html).toMatch(/Content-Security-Policy" content="default-src &#39;none&#39;; .*script-src &#39;sha256-/);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).toContain('&#60;more&#62;');
  });
});
