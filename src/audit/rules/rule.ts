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
}
