import { createHash } from 'node:crypto';
import { REPORT_SCHEMA_VERSION, atOrAbove, type EvaluatedRule, type Finding, type Report, type RuleMeta, type Severity, type TargetResult } from '../model.js';
import { toolVersion } from '../../version.js';

/** A stable identity for a finding across runs: never line numbers alone, so edits above it do not make it "new". */
export function fingerprint(...parts: Array<string | number | undefined>): string {
  return createHash('sha256')
    .update(parts.map((p) => (p === undefined ? '' : String(p))).join('\u0000'))
    .digest('hex')
    .slice(0, 16);
}

export function buildReport(command: string, targets: TargetResult[], allRules: readonly RuleMeta[], now: Date = new Date()): Report {
  const used = new Set(targets.flatMap((t) => [...t.findings, ...(t.fixed ?? [])].map((f) => f.ruleId)));
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'bulkhead', version: toolVersion() },
    createdAt: now.toISOString(),
    command,
    targets,
    rules: allRules.filter((r) => used.has(r.id)),
  };
  const evaluated = new Set(targets.flatMap((t) => t.evaluated ?? []));
  if (evaluated.size > 0) report.evaluatedRules = allRules.filter((r) => evaluated.has(r.id)).map(evaluatedRule);
  return report;
}

function evaluatedRule(r: RuleMeta): EvaluatedRule {
  return { id: r.id, target: r.target, severity: r.severity, title: r.title, ...(r.cis?.length ? { cis: r.cis } : {}) };
}

export function allFindings(report: Report): Finding[] {
  return report.targets.flatMap((t) => t.findings);
}

export type FailOn = Severity | 'never';

/** Findings that make the audit fail. With a baseline, only new ones count. */
export function failingFindings(report: Report, failOn: FailOn): Finding[] {
  if (failOn === 'never') return [];
  return allFindings(report).filter((f) => atOrAbove(f.severity, failOn) && f.baseline !== 'unchanged');
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
