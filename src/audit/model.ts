/**
 * The one result model every auditor produces and every formatter reads.
 * Target -> Finding[] -> Report -> formatter. Formatters know nothing about rules or scanning.
 */

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function atOrAbove(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

export type TargetKind = 'dockerfile' | 'image' | 'container' | 'host' | 'compose' | 'kubernetes';

/** Targets whose findings point at lines of a file in the checkout (not paths inside an image or container). */
export function isFileTarget(kind: TargetKind): boolean {
  return kind === 'dockerfile' || kind === 'compose' || kind === 'kubernetes';
}

/** A rule's metadata lives once, in the rule; docs, SARIF descriptors and `rules explain` are generated from it. */
export interface RuleMeta {
  /** permanent public id, e.g. DF001; never renumbered or reused */
  id: string;
  /** kebab-case name, e.g. "final-user-root"; matches the rule's file name */
  slug: string;
  target: TargetKind;
  severity: Severity;
  title: string;
  /** one paragraph: why this matters */
  rationale: string;
  /** one paragraph: how to fix it */
  fix: string;
  references?: string[];
  /** CIS Docker Benchmark ids this rule covers, e.g. ["4.1"] */
  cis?: string[];
  /** shown on the rule's docs page: input that fires the rule and a fixed version that does not */
  example?: { bad: string; good?: string };
}

/** Where a finding is. Every field optional: each target kind fills what it has. */
export interface Location {
  /** file path (Dockerfile, or a path inside an image/container filesystem) */
  path?: string;
  line?: number;
  endLine?: number;
  column?: number;
  /** Dockerfile build stage name or index, when not the final stage */
  stage?: string;
  /** image layer the finding comes from */
  layer?: { index: number; digest: string; createdBy?: string };
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** one sentence for a person; never contains a secret in full */
  message: string;
  location?: Location;
  /** redacted evidence (a prefix, the length and a short hash for secrets) */
  evidence?: string;
  /** stable identity across runs, for --baseline: rule + target + location, never line numbers alone */
  fingerprint: string;
  /** set when a baseline was given */
  baseline?: 'new' | 'unchanged';
}

/** A problem reading a target (not a finding about it): the audit goes on with other targets. */
export interface TargetError {
  message: string;
  location?: Location;
}

export interface TargetResult {
  kind: TargetKind;
  /** file path, image ref, container name, host URL */
  name: string;
  findings: Finding[];
  errors: TargetError[];
  /** findings of a baseline that are gone now (--baseline) */
  fixed?: Finding[];
  /**
   * ids of the rules that ran on this target's facts (a rule that failed is not listed), so a
   * rule listed here without a finding passed. Absent in reports written before it existed.
   */
  evaluated?: string[];
  /** ids of rules whose findings here the project config ignores (accepted, so neither shown nor passed) */
  accepted?: string[];
  /**
   * set by --baseline on a container that was in the baseline and is absent from a run that
   * listed the engine's containers (removed or stopped): it has no findings, and all its
   * baseline findings are in `fixed`
   */
  removed?: true;
  /** facts worth showing beside findings (image id, engine version, ...) */
  properties?: Record<string, string | number | boolean>;
}

export const REPORT_SCHEMA_VERSION = 1;

export interface Report {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  tool: { name: 'bulkhead'; version: string };
  /** ISO 8601 */
  createdAt: string;
  /** e.g. "audit dockerfile" */
  command: string;
  targets: TargetResult[];
  /** metadata of every rule that produced a finding, for formatters that describe rules */
  rules: RuleMeta[];
  /** id, title, severity and CIS ids of every rule evaluated on some target (the PASS checklist reads it) */
  evaluatedRules?: EvaluatedRule[];
}

export type EvaluatedRule = Pick<RuleMeta, 'id' | 'target' | 'severity' | 'title' | 'cis'>;
