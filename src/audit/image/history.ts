/** Image history instructions: build args recorded in them, and a form safe to show. */
import { classifyAssignment, redact, redactText } from '../secrets/index.js';

/**
 * Build args used by a RUN are recorded in its history entry as `|N NAME=value ... /bin/sh -c ...`
 * (classic builder) or `RUN |N NAME=value ...` (BuildKit). Values are written without quoting.
 */
export function buildArgsOf(createdBy: string): Array<{ name: string; value: string }> {
  const m = /^(?:RUN )?\|(\d+) (.*)$/s.exec(createdBy);
  if (!m) return [];
  const n = Number(m[1]);
  const words = (m[2] ?? '').split(' ');
  const out: Array<{ name: string; value: string }> = [];
  for (const w of words.slice(0, n)) {
    const eq = w.indexOf('=');
    if (eq > 0) out.push({ name: w.slice(0, eq), value: w.slice(eq + 1) });
  }
  return out;
}

/** The instruction with secret build-arg values and secrets in its text redacted. */
export function redactInstruction(createdBy: string): string {
  let text = createdBy;
  for (const arg of buildArgsOf(createdBy)) {
    if (arg.value && classifyAssignment(arg.name, arg.value)) text = text.replace(`${arg.name}=${arg.value}`, `${arg.name}=${redact(arg.value)}`);
  }
  return redactText(text);
}
