import { severityRank, type EvaluatedRule, type Finding, type Report, type RuleMeta, type Severity, type TargetKind, type TargetResult } from '../model.js';

/**
 * The order an operator reads a report in: worst first. Shared by the HTML and table
 * formatters so both put the same finding on top.
 */

/** Highest severity first, then rule id, then message (stable for equal rows). */
export function compareFindings(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);
}

/** -1 when the target has no finding. */
export function worstRank(t: TargetResult): number {
  return t.findings.reduce((worst, f) => Math.max(worst, severityRank(f.severity)), -1);
}

export interface IndexedTarget {
  target: TargetResult;
  /** position in report.targets: the stable anchor of the target's section */
  index: number;
}

/**
 * Targets by their worst finding, then by how many findings at that severity and in all;
 * among targets without findings, the ones that could not be read come first (an unreadable
 * target is not a clean one).
 */
export function targetsWorstFirst(targets: readonly TargetResult[]): IndexedTarget[] {
  const atWorst = (t: TargetResult, rank: number) => t.findings.filter((f) => severityRank(f.severity) === rank).length;
  return targets
    .map((target, index) => ({ target, index, rank: worstRank(target) }))
    .sort(
      (a, b) =>
        b.rank - a.rank ||
        atWorst(b.target, b.rank) - atWorst(a.target, a.rank) ||
        b.target.findings.length - a.target.findings.length ||
        Math.sign(b.target.errors.length) - Math.sign(a.target.errors.length) ||
        a.index - b.index,
    )
    .map(({ target, index }) => ({ target, index }));
}

export interface FindingGroup {
  ruleId: string;
  severity: Severity;
  /** one entry per finding, targets in worst-first order */
  members: Array<{ finding: Finding; target: TargetResult; index: number }>;
  /** distinct targets the rule fired on at this severity */
  targetCount: number;
}

/**
 * One group per rule and severity across all targets (a rule whose severity depends on the
 * case, e.g. a setuid shell against passwd, makes one group per severity), worst first.
 */
export function groupByRule(targets: readonly TargetResult[], keep: (f: Finding) => boolean = () => true): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const { target, index } of targetsWorstFirst(targets)) {
    for (const finding of [...target.findings].sort(compareFindings)) {
      if (!keep(finding)) continue;
      const key = `${finding.ruleId}\u0000${finding.severity}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { ruleId: finding.ruleId, severity: finding.severity, members: [], targetCount: 0 }));
      if (!g.members.some((m) => m.index === index)) g.targetCount += 1;
      g.members.push({ finding, target, index });
    }
  }
  return [...groups.values()].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId));
}

export interface PassedCheck {
  rule: EvaluatedRule;
  /** targets the rule ran on, by kind */
  checked: Partial<Record<TargetKind, number>>;
}

/** CIS ids compare part by part as numbers: 5.9 before 5.10. */
export function compareCisIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

/**
 * Rules evaluated on at least one target that found nothing on any of them, as docker-bench's
 * [PASS] lines: in CIS order, rules without a CIS id last. `undefined` when the report does
 * not record what was evaluated (written before it did).
 */
export function passedChecks(report: Report): PassedCheck[] | undefined {
  if (!report.targets.some((t) => t.evaluated !== undefined)) return undefined;
  const meta = new Map<string, EvaluatedRule>([...report.rules, ...(report.evaluatedRules ?? [])].map((r) => [r.id, r]));
  // a finding the config accepted is not a pass either
  const fired = new Set(report.targets.flatMap((t) => [...t.findings.map((f) => f.ruleId), ...(t.accepted ?? [])]));
  const checked = new Map<string, Partial<Record<TargetKind, number>>>();
  for (const t of report.targets) {
    for (const id of t.evaluated ?? []) {
      const c = checked.get(id) ?? {};
      c[t.kind] = (c[t.kind] ?? 0) + 1;
      checked.set(id, c);
    }
  }
  const firstCis = (r: EvaluatedRule) => r.cis?.[0];
  return [...checked.entries()]
    .filter(([id]) => !fired.has(id))
    .map(([id, c]) => ({ rule: meta.get(id) ?? { id, target: Object.keys(c)[0] as TargetKind, severity: 'info' as Severity, title: id }, checked: c }))
    .sort((a, b) => {
      const ca = firstCis(a.rule);
      const cb = firstCis(b.rule);
      if (ca && cb) return compareCisIds(ca, cb) || a.rule.id.localeCompare(b.rule.id);
      if (ca || cb) return ca ? -1 : 1;
      return a.rule.id.localeCompare(b.rule.id);
    });
}

/** Metadata by id from both lists a report carries (fixed findings' rules may be only in the second). */
export function ruleLookup(report: Report): Map<string, RuleMeta | EvaluatedRule> {
  return new Map<string, RuleMeta | EvaluatedRule>([...(report.evaluatedRules ?? []).map((r) => [r.id, r] as const), ...report.rules.map((r) => [r.id, r] as const)]);
}
