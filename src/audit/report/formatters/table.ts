import { table, getBorderCharacters } from 'table';
import type { Formatter } from './index.js';
import type { Finding, Severity } from '../../model.js';
import { countBySeverity } from '../build.js';

const COLORS: Record<Severity, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const RESET = '\u001b[0m';

function where(f: Finding, target: string): string {
  const loc = f.location;
  if (!loc) return target;
  let s = loc.path ?? target;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.layer) s += ` (layer ${loc.layer.index})`;
  if (loc.stage) s += ` [stage ${loc.stage}]`;
  return s;
}

/** Grouped by target: location, id, severity, message. */
export const formatTable: Formatter = (report, { color }) => {
  const out: string[] = [];
  const sev = (s: Severity) => (color ? `${COLORS[s]}${s}${RESET}` : s);
  for (const t of report.targets) {
    out.push(`${t.kind} ${t.name}`);
    for (const e of t.errors) out.push(`  error: ${e.location?.path ?? t.name}${e.location?.line ? `:${e.location.line}` : ''}: ${e.message}`);
    const fixed = t.fixed?.length ? `  fixed since the baseline: ${t.fixed.length} (${[...new Set(t.fixed.map((f) => f.ruleId))].join(', ')})` : '';
    if (t.removed) {
      out.push('  target removed or stopped since the baseline', `${fixed}\n`);
      continue;
    }
    if (t.findings.length === 0) {
      out.push(fixed || (t.errors.length ? '' : '  no findings\n'));
      if (fixed) out.push('');
      continue;
    }
    if (fixed) out.push(fixed);
    const rows = t.findings.map((f) => [where(f, t.name), f.ruleId, sev(f.severity), f.baseline === 'new' ? `[new] ${f.message}` : f.message]);
    out.push(
      table([['location', 'rule', 'severity', 'message'], ...rows], {
        border: getBorderCharacters('norc'),
        columns: { 3: { width: 70, wrapWord: true } },
        drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size,
      }),
    );
  }
  const counts = countBySeverity(report.targets.flatMap((t) => t.findings));
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const all = report.targets.flatMap((t) => t.findings);
  const withBaseline = all.some((f) => f.baseline !== undefined) || report.targets.some((t) => t.fixed !== undefined);
  const diff = withBaseline
    ? `; since the baseline: ${all.filter((f) => f.baseline === 'new').length} new, ${report.targets.reduce((n, t) => n + (t.fixed?.length ?? 0), 0)} fixed`
    : '';
  out.push(`${total} finding(s): ${(['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => `${counts[s]} ${s}`).join(', ')}${diff}`);
  return `${out.join('\n')}\n`;
};
