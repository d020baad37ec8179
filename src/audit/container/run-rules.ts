import type { Finding, Location, TargetKind } from '../model.js';
import { fingerprint } from '../report/build.js';
import type { FindingDraft, Rule } from '../rules/rule.js';

/**
 * Runs a rule family over one target's facts. The finding's identity across runs is rule +
 * target + the draft's key (a path, a capability, an env name), so a nightly report can say
 * what is new. A rule that throws is a bug, reported as a finding-free error line by the caller.
 */
export function runRules<Facts>(
  rules: ReadonlyArray<Rule<Facts>>,
  facts: Facts,
  target: { kind: TargetKind; name: string },
  /** for declared inputs (compose, Kubernetes): the file:line of the field behind a draft */
  locate?: (ruleId: string, draft: FindingDraft) => Location | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    for (const d of rule.check(facts)) {
      const f: Finding = {
        ruleId: rule.meta.id,
        severity: d.severity ?? rule.meta.severity,
        message: d.message,
        fingerprint: fingerprint(rule.meta.id, target.kind, target.name, d.key ?? d.location?.path),
      };
      const location = locate?.(rule.meta.id, d) ?? d.location;
      if (location) f.location = location;
      if (d.evidence !== undefined) f.evidence = d.evidence;
      out.push(f);
    }
  }
  return out;
}
