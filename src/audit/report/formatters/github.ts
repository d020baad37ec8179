import type { Formatter } from './index.js';
import { isFileTarget, type Finding, type TargetResult } from '../../model.js';
import { sarifLevel } from './sarif.js';

// GitHub workflow commands: message data escapes %, CR, LF; property values also escape ':' and ','.
function escapeData(s: string): string {
  return s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

const COMMAND = { error: 'error', warning: 'warning', note: 'notice' } as const;

function annotation(t: TargetResult, f: Finding): string {
  const props: string[] = [];
  // Only Dockerfiles are files in the checkout; image/container paths are named in the title instead.
  if (isFileTarget(t.kind)) {
    props.push(`file=${escapeProperty(f.location?.path ?? t.name)}`);
    if (f.location?.line !== undefined) props.push(`line=${f.location.line}`);
    if (f.location?.endLine !== undefined) props.push(`endLine=${f.location.endLine}`);
  }
  const where = isFileTarget(t.kind) ? '' : ` ${t.name}${f.location?.path ? ` ${f.location.path}` : ''}`;
  props.push(`title=${escapeProperty(`${f.ruleId} (${f.severity})${where}`)}`);
  const stage = f.location?.stage ? ` [stage ${f.location.stage}]` : '';
  return `::${COMMAND[sarifLevel(f.severity)]} ${props.join(',')}::${escapeData(f.message + stage)}`;
}

/** One annotation per finding (error/warning/notice by severity), plus one error per unreadable target. */
export const formatGithub: Formatter = (report) => {
  const lines: string[] = [];
  for (const t of report.targets) {
    for (const e of t.errors) {
      const file = isFileTarget(t.kind) ? `file=${escapeProperty(e.location?.path ?? t.name)}${e.location?.line ? `,line=${e.location.line}` : ''},` : '';
      lines.push(`::error ${file}title=${escapeProperty(`bulkhead could not read ${t.name}`)}::${escapeData(e.message)}`);
    }
    for (const f of t.findings) lines.push(annotation(t, f));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
};
