import { table, getBorderCharacters, type ColumnUserConfig } from 'table';
import type { Formatter } from './index.js';
import type { Finding, Severity } from '../../model.js';
import { countBySeverity } from '../build.js';
import { compareFindings, targetsWorstFirst } from '../worst-first.js';
import { DEFAULT_TABLE_WIDTH } from '../terminal-width.js';

/** Narrower than this the columns cannot hold a word; the table is laid out for this and may overflow. */
const MIN_TABLE_WIDTH = 40;

const COLORS: Record<Severity, string> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
  info: '\u001b[2m',
};
const RESET = '\u001b[0m';

function where(f: Finding): string {
  const loc = f.location;
  if (!loc) return '';
  let s = loc.path ?? '';
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.layer) s += ` (layer ${loc.layer.index})`;
  if (loc.stage) s += ` [stage ${loc.stage}]`;
  return s.trim();
}

const norc = getBorderCharacters('norc');

/** Plain text wrapped to the width with the table library's word wrap (no border). */
function wrapped(text: string, width: number, indent = 0): string {
  return table([[text]], {
    border: getBorderCharacters('void'),
    columns: [{ width: Math.max(10, width - indent), wrapWord: true, paddingLeft: indent, paddingRight: 0 }],
    drawHorizontalLine: () => false,
  }).trimEnd();
}

/**
 * Targets worst first, each a table of its findings worst first (severity, then rule id), laid
 * out to the terminal's width: severity and rule keep their width, the message takes the rest
 * and wraps at words, the location gets a column of its own only when findings have one.
 */
export const formatTable: Formatter = (report, { color, width }) => {
  const total = Math.max(MIN_TABLE_WIDTH, width ?? DEFAULT_TABLE_WIDTH);
  const out: string[] = [];
  const sev = (s: Severity) => (color ? `${COLORS[s]}${s}${RESET}` : s);
  for (const { target: t } of targetsWorstFirst(report.targets)) {
    out.push(wrapped(`${t.kind} ${t.name}`, total));
    for (const e of t.errors) out.push(wrapped(`error: ${e.location?.path ?? t.name}${e.location?.line ? `:${e.location.line}` : ''}: ${e.message}`, total, 2));
    const fixed = t.fixed?.length ? wrapped(`fixed since the baseline: ${t.fixed.length} (${[...new Set(t.fixed.map((f) => f.ruleId))].join(', ')})`, total, 2) : '';
    if (t.removed) {
      out.push(wrapped('target removed or stopped since the baseline', total, 2), `${fixed}\n`);
      continue;
    }
    if (t.findings.length === 0) {
      out.push(fixed || (t.errors.length ? '' : '  no findings\n'));
      if (fixed) out.push('');
      continue;
    }
    if (fixed) out.push(fixed);
    const sorted = [...t.findings].sort(compareFindings);
    const locations = sorted.map(where);
    const sevW = Math.max('severity'.length, ...sorted.map((f) => f.severity.length));
    const ruleW = Math.max('rule'.length, ...sorted.map((f) => f.ruleId.length));
    // norc borders with one space of padding each side: 3 characters per column plus one
    const rest = (columnCount: number) => total - (3 * columnCount + 1) - sevW - ruleW;
    // a location column only when some message does not say it already, and the message keeps 30 columns beside it
    const withLocation = locations.some((l, i) => l !== '' && !sorted[i]!.message.includes(l)) && rest(4) - 10 >= 30;
    const locW = withLocation ? Math.min(Math.max(...locations.map((l) => l.length), 'location'.length), Math.max(10, Math.floor(rest(4) * 0.35))) : 0;
    const msgW = Math.max(10, withLocation ? rest(4) - locW : rest(3));
    const rows = sorted.map((f, i) => {
      const loc = locations[i]!;
      const message = `${f.baseline === 'new' ? '[new] ' : ''}${f.message}${!withLocation && loc && !f.message.includes(loc) ? ` (at ${loc})` : ''}`;
      const row = [sev(f.severity), f.ruleId, message];
      if (withLocation) row.push(loc);
      return row;
    });
    const columns: ColumnUserConfig[] = [{ width: sevW }, { width: ruleW }, { width: msgW, wrapWord: true }];
    if (withLocation) columns.push({ width: locW, wrapWord: true });
    out.push(
      table([['severity', 'rule', 'message', ...(withLocation ? ['location'] : [])], ...rows], {
        border: norc,
        columns,
        drawHorizontalLine: (i, size) => i === 0 || i === 1 || i === size,
      }),
    );
  }
  const counts = countBySeverity(report.targets.flatMap((t) => t.findings));
  const sum = Object.values(counts).reduce((a, b) => a + b, 0);
  const all = report.targets.flatMap((t) => t.findings);
  const withBaseline = all.some((f) => f.baseline !== undefined) || report.targets.some((t) => t.fixed !== undefined);
  const diff = withBaseline
    ? `; since the baseline: ${all.filter((f) => f.baseline === 'new').length} new, ${report.targets.reduce((n, t) => n + (t.fixed?.length ?? 0), 0)} fixed`
    : '';
  out.push(wrapped(`${sum} finding(s): ${(['critical', 'high', 'medium', 'low', 'info'] as const).map((s) => `${counts[s]} ${s}`).join(', ')}${diff}`, total));
  return `${out.join('\n')}\n`;
};
