import { readFileSync } from 'node:fs';
import { BulkheadError } from '../../errors.js';
import type { Finding, Report } from '../model.js';

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

/**
 * Marks each finding new or unchanged against the baseline (by fingerprint), and lists per
 * target the baseline findings that are gone (fixed). Mutates and returns the report.
 */
export function applyBaseline(report: Report, baseline: Report): Report {
  const before = new Map<string, Finding[]>();
  for (const t of baseline.targets) {
    const key = `${t.kind}\u0000${t.name}`;
    before.set(key, [...(before.get(key) ?? []), ...t.findings]);
  }
  for (const t of report.targets) {
    const old = before.get(`${t.kind}\u0000${t.name}`) ?? [];
    const oldPrints = new Set(old.map((f) => f.fingerprint));
    const nowPrints = new Set(t.findings.map((f) => f.fingerprint));
    for (const f of t.findings) f.baseline = oldPrints.has(f.fingerprint) ? 'unchanged' : 'new';
    t.fixed = old.filter((f) => !nowPrints.has(f.fingerprint));
  }
  return report;
}
