import { readFileSync } from 'node:fs';
import { BulkheadError } from '../../errors.js';
import type { Finding, Report, TargetResult } from '../model.js';

/** Reads a previous JSON report (our own --format json output) to compare against. */
export function readBaseline(path: string): Report {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new BulkheadError('usage', `--baseline ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BulkheadError('invalid-input', `--baseline ${path}: not JSON (expected a report written with --format json)`);
  }
  const r = parsed as Partial<Report>;
  if (typeof r !== 'object' || r === null || r.schemaVersion !== 1 || !Array.isArray(r.targets)) {
    throw new BulkheadError('invalid-input', `--baseline ${path}: not a bulkhead JSON report (schemaVersion 1 with targets[])`);
  }
  return r as Report;
}

const targetKey = (t: Pick<TargetResult, 'kind' | 'name'>): string => `${t.kind}\u0000${t.name}`;

/**
 * Whether this run saw every container it would have seen: not when a host could not be read at
 * all (an unreachable engine) or its containers could not be listed (the host target then has no
 * `containers` count). A container that could not be read is still listed: it does not count.
 */
export function sawAllTargets(report: Report): boolean {
  return report.targets.every((t) => t.kind !== 'host' || (t.properties?.containers !== undefined && !(t.errors.length > 0 && t.findings.length === 0)));
}

export interface BaselineOptions {
  /**
   * this run listed the engine's containers rather than auditing the ones named (audit host,
   * audit container without names): only then is a container of the baseline that is absent
   * now gone (removed, or no longer running), not merely left out
   */
  containersListed?: boolean;
}

/**
 * Marks each finding new or unchanged against the baseline (by fingerprint), and lists per
 * target the baseline findings that are gone (fixed). With `containersListed`, a baseline
 * container absent from this run is added as a `removed` target whose baseline findings are all
 * fixed, unless this run could not see all its targets (then its absence proves nothing).
 * Mutates and returns the report.
 */
export function applyBaseline(report: Report, baseline: Report, options: BaselineOptions = {}): Report {
  const before = new Map<string, { target: TargetResult; findings: Finding[] }>();
  for (const t of baseline.targets) {
    const key = targetKey(t);
    const entry = before.get(key) ?? { target: t, findings: [] };
    // a target removed before the baseline run has nothing left to fix now
    if (t.removed !== true) entry.findings.push(...t.findings);
    before.set(key, entry);
  }
  const present = new Set<string>();
  for (const t of report.targets) {
    present.add(targetKey(t));
    const old = before.get(targetKey(t))?.findings ?? [];
    const oldPrints = new Set(old.map((f) => f.fingerprint));
    const nowPrints = new Set(t.findings.map((f) => f.fingerprint));
    for (const f of t.findings) f.baseline = oldPrints.has(f.fingerprint) ? 'unchanged' : 'new';
    t.fixed = old.filter((f) => !nowPrints.has(f.fingerprint));
  }
  if (!options.containersListed || !sawAllTargets(report)) return report;
  for (const [key, { target, findings }] of before) {
    if (target.kind !== 'container' || present.has(key) || findings.length === 0) continue;
    report.targets.push({ kind: target.kind, name: target.name, findings: [], errors: [], fixed: findings, removed: true });
  }
  return report;
}
