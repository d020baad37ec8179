import type { Finding, TargetKind } from '../model.js';
import { fingerprint } from '../report/build.js';
import type { Rule } from '../rules/rule.js';

/**
 * Runs a rule family over one target's facts. The finding's identity across runs is rule +
 * target + the draft's key (a path, a capability, an env name), so a nightly report can say
 * what is new. A rule that throws is a bug, reported as a finding-free error line by the caller.
 */
export function runRules<Facts>(rules: ReadonlyArray<Rule<Facts>>, facts: Facts, target: { kind: TargetKind; name: string }): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    for (const d of rule.check(facts)) {
      const f: Finding = {
        ruleId: rule.meta.id,
        severity: d.severity ?? rule.meta.severity,
        message: d.message,
        fingerprint: fingerprint(rule.meta.id, target.kind, target.name, d.key ?? d.location?.path),
      };
      if (d.location) f.location = d.location;
      if (d.evidence !== undefined) f.evidence = d.evidence;
      out.push(f);
    }
  }
  return out;
}
