import type { Formatter } from './index.js';
import { SEVERITIES, type Finding, type RuleMeta, type Severity } from '../../model.js';
import { countBySeverity } from '../build.js';

const ICON: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };
const DESCENDING = [...SEVERITIES].reverse();

// Table cells must not break the row: escape pipes, flatten newlines.
function cell(s: string): string {
  return s.replaceAll('|', '\\|').replace(/\r?\n/g, ' ');
}

function where(f: Finding): string {
  const loc = f.location;
  const parts: string[] = [];
  if (loc?.path) parts.push(`\`${loc.path.replaceAll('`', "'")}${loc.line !== undefined ? `:${loc.line}` : ''}\``);
  else if (loc?.line !== undefined) parts.push(`line ${loc.line}`);
  if (loc?.stage) parts.push(`stage \`${loc.stage.replaceAll('`', "'")}\``);
  if (loc?.layer) parts.push(`layer ${loc.layer.index}`);
  return parts.join(', ') || '—';
}

/** GitHub refuses comments over 65,536 characters; stay under it with room for the closing note. */
export const MARKDOWN_MAX_CHARS = 60_000;

/** For pull-request comments: a summary by severity, then findings grouped by target with the fix. */
export const formatMarkdown: Formatter = (report) => {
  const rules = new Map<string, RuleMeta>(report.rules.map((r) => [r.id, r]));
  const findings = report.targets.flatMap((t) => t.findings);
  const counts = countBySeverity(findings);
  const out: string[] = [`## bulkhead ${report.command}`, ''];
  out.push('| severity | findings |', '| --- | ---: |');
  for (const s of DESCENDING) out.push(`| ${ICON[s]} ${s} | ${counts[s]} |`);
  out.push('', `${findings.length} finding(s) in ${report.targets.length} target(s).`, '');
  let size = out.join('\n').length;
  let omitted = 0;
  // The summary above is always complete; detail lines stop at the size limit and the findings
  // left out are counted in a closing note.
  const push = (...lines: string[]): boolean => {
    const add = lines.join('\n').length + 1;
    if (omitted > 0 || size + add > MARKDOWN_MAX_CHARS) return false;
    out.push(...lines);
    size += add;
    return true;
  };
  for (const t of report.targets) {
    if (!push(`### ${t.kind} \`${t.name.replaceAll('`', "'")}\``, '')) {
      omitted += t.findings.length;
      continue;
    }
    for (const e of t.errors) push(`> **could not read**${e.location?.line ? ` (line ${e.location.line})` : ''}: ${cell(e.message)}`, '');
    if (t.removed) push('Target removed or stopped since the baseline.', '');
    else if (t.findings.length === 0 && t.errors.length === 0) push('No findings.', '');
    if (t.findings.length === 0) {
      if (t.fixed?.length) push(`Fixed since the baseline: ${t.fixed.map((f) => f.ruleId).join(', ')}`, '');
      continue;
    }
    push('| severity | rule | location | finding | fix |', '| --- | --- | --- | --- | --- |');
    const sorted = [...t.findings].sort((a, b) => DESCENDING.indexOf(a.severity) - DESCENDING.indexOf(b.severity) || (a.location?.line ?? 0) - (b.location?.line ?? 0));
    for (const f of sorted) {
      const meta = rules.get(f.ruleId);
      const rule = `[${f.ruleId}](docs/rules/${f.ruleId}.md)${meta ? ` ${cell(meta.title)}` : ''}`;
      const tag = f.baseline === 'new' ? ' **(new)**' : '';
      if (!push(`| ${ICON[f.severity]} ${f.severity} | ${rule} | ${cell(where(f))} | ${cell(f.message)}${tag} | ${cell(meta?.fix ?? '')} |`)) omitted++;
    }
    push('');
    if (t.fixed?.length) push(`Fixed since the baseline: ${t.fixed.map((f) => f.ruleId).join(', ')}`, '');
  }
  if (omitted > 0) out.push('', `…and ${omitted} more finding(s) not shown to keep this comment within GitHub's size limit: see the full report (--format json or sarif).`);
  return `${out.join('\n')}\n`;
};
