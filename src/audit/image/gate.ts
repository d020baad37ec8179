/**
 * The audit-then-run gate: audit the image from the engine before `bulkhead run` starts it,
 * and refuse when a finding is at or above the policy's threshold. The setuid allowlist
 * (path + sha256) is applied by IM001 itself, so an accepted binary whose content changed is
 * reported again.
 */
import type { EngineClient } from '../../engine/client.js';
import type { HardeningPlan } from '../../policy/plan.js';
import { atOrAbove, type Finding, type Report } from '../model.js';
import { buildReport } from '../report/build.js';
import { ALL_RULES } from '../rules/registry.js';
import { imageTargetResult } from './audit.js';
import { readImageFromEngine, type ImageReadOptions } from './read-image.js';

export interface GateResult {
  refused: boolean;
  /** one line per finding that refused (or per read error): messages and evidence are already redacted */
  summary: string[];
  report: Report;
}

function line(f: Finding): string {
  const where = [f.location?.path, f.location?.layer ? `layer ${f.location.layer.index}` : undefined].filter(Boolean).join(', ');
  return `${f.severity.toUpperCase()} ${f.ruleId} ${f.message}${where && !f.message.includes(f.location?.path ?? '\u0000') ? ` (${where})` : ''}${f.evidence ? ` [${f.evidence}]` : ''}`;
}

/**
 * Audits `imageRef` in the engine under the plan's gate settings. Engine errors (image not
 * found, engine unreachable) propagate as they are; an image that cannot be read completely
 * refuses (its read errors are in the summary): what we cannot read we cannot vouch for.
 */
export async function runImageGate(engine: EngineClient, imageRef: string, gate: HardeningPlan['gate'], options: Pick<ImageReadOptions, 'maxFileSize' | 'onProgress'> = {}): Promise<GateResult> {
  const facts = await readImageFromEngine(engine, imageRef, { ...options, setuidAllowlist: gate.setuidAllowlist });
  const target = imageTargetResult(facts);
  const report = buildReport(`gate ${imageRef}`, [target], ALL_RULES);
  const failing = target.findings.filter((f) => atOrAbove(f.severity, gate.failOn));
  const summary = [...target.errors.map((e) => `ERROR ${e.message}`), ...failing.map(line)];
  return { refused: failing.length > 0 || target.errors.length > 0, summary, report };
}
