import type { Location, RuleMeta, Severity } from '../model.js';

/** What a rule returns; the family's runner adds the rule id, severity and fingerprint. */
export interface FindingDraft {
  message: string;
  location?: Location;
  evidence?: string;
  /** overrides the rule's default severity for this case (e.g. a setuid shell vs passwd) */
  severity?: Severity;
  /** what identifies this case across runs besides rule and target, e.g. a path or env name */
  key?: string;
}

/** One rule per file: metadata once, plus a pure check over the facts of its target kind. */
export interface Rule<Facts> {
  meta: RuleMeta;
  check(facts: Facts): FindingDraft[];
  /**
   * Whether these facts hold what the rule reads (a remote engine has no host files, `--fs none`
   * no container files): false means not checked, so no finding is neither a pass nor a fail.
   * Absent: always checkable.
   */
  checkable?(facts: Facts): boolean;
}

/** Ids of the rules that could check these facts: the ones whose silence is a pass. */
export function checkedRuleIds<Facts>(rules: ReadonlyArray<Rule<Facts>>, facts: Facts): string[] {
  return rules.filter((r) => r.checkable?.(facts) ?? true).map((r) => r.meta.id);
}
