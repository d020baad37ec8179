/**
 * One policy's gate verdict over an image's gate audit (every finding, whatever the severity,
 * with the content hashes the allowlists compare): the policy's allowlists (setuid and secret
 * files by path and sha256; a listed file whose content changed is reported again) and then
 * its threshold. Apart from gate.ts so that `bulkhead run` answers from a cached audit without
 * loading the auditor (src/runtime/services.ts imports this file, and only this one, eagerly).
 */
import type { HardeningPlan } from '../../policy/plan.js';
import { atOrAbove, SEVERITIES, type Finding, type TargetResult } from '../model.js';
import { applyAllowlists, type ContentHashes } from './allowlist.js';

/** Bumped when the shape changes, so an older cache entry is audited again rather than misread. */
export const GATE_AUDIT_FORMAT = 1;

export interface GateAudit {
  format: typeof GATE_AUDIT_FORMAT;
  /** every finding (messages and evidence already redacted) and read error of the image */
  target: TargetResult;
  /** sha256 of the files the allowlistable findings are about, by `layer|path` */
  hashes: ContentHashes;
}

export interface Verdict {
  refused: boolean;
  /** one line per finding that refused (or per read error): messages and evidence are already redacted */
  summary: string[];
  /** the audit's target less what the allowlists accept */
  target: TargetResult;
}

function line(f: Finding): string {
  const where = [f.location?.path, f.location?.layer ? `layer ${f.location.layer.index}` : undefined].filter(Boolean).join(', ');
  return `${f.severity.toUpperCase()} ${f.ruleId} ${f.message}${where && !f.message.includes(f.location?.path ?? '\u0000') ? ` (${where})` : ''}${f.evidence ? ` [${f.evidence}]` : ''}`;
}

/**
 * An image that could not be read completely refuses (its read errors are in the summary):
 * what we cannot read we cannot vouch for.
 */
export function verdictOf(audit: GateAudit, gate: HardeningPlan['gate']): Verdict {
  const findings = applyAllowlists(audit.target.findings, audit.hashes, gate);
  const target: TargetResult = { ...audit.target, findings };
  const failing = findings.filter((f) => atOrAbove(f.severity, gate.failOn));
  const summary = [...target.errors.map((e) => `ERROR ${e.message}`), ...failing.map(line)];
  return { refused: failing.length > 0 || target.errors.length > 0, summary, target };
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isFinding = (f: unknown): boolean =>
  isObj(f) && typeof f.ruleId === 'string' && typeof f.message === 'string' && typeof f.fingerprint === 'string' && (SEVERITIES as readonly unknown[]).includes(f.severity);

/** A GateAudit read back from a cache, or undefined when it is not one this version wrote (then the image is audited again). */
export function parseGateAudit(value: unknown): GateAudit | undefined {
  if (!isObj(value) || value.format !== GATE_AUDIT_FORMAT || !isObj(value.target) || !isObj(value.hashes)) return undefined;
  const t = value.target;
  if (typeof t.name !== 'string' || t.kind !== 'image' || !Array.isArray(t.findings) || !t.findings.every(isFinding)) return undefined;
  if (!Array.isArray(t.errors) || !t.errors.every((e) => isObj(e) && typeof e.message === 'string')) return undefined;
  if (!Object.values(value.hashes).every((h) => typeof h === 'string')) return undefined;
  return value as unknown as GateAudit;
}
