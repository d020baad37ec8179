/**
 * The audit-then-run gate: audit the image from the engine before `bulkhead run` starts it,
 * and refuse when a finding is at or above the policy's threshold.
 *
 * Two steps, so one audit serves every policy: `auditImageForGate` reads the image once and
 * keeps every finding whatever its severity, with the content hashes the allowlists compare
 * (a GateAudit, plain JSON: the runtime caches it by image id); the verdict (gate-verdict.ts)
 * applies one policy's allowlists and threshold to it. `--policy default` after
 * `--policy untrusted` on the same image is then answered without reading the image again.
 */
import type { EngineClient } from '../../engine/client.js';
import type { HardeningPlan } from '../../policy/plan.js';
import type { Report } from '../model.js';
import { buildReport } from '../report/build.js';
import { ALL_RULES } from '../rules/registry.js';
import { contentHashes } from './allowlist.js';
import { imageTargetResult } from './audit.js';
import { GATE_AUDIT_FORMAT, verdictOf, type GateAudit } from './gate-verdict.js';
import { readImageFromEngine, type ImageReadOptions } from './read-image.js';

export { parseGateAudit, verdictOf, type GateAudit } from './gate-verdict.js';

export interface GateResult {
  refused: boolean;
  /** one line per finding that refused (or per read error): messages and evidence are already redacted */
  summary: string[];
  report: Report;
}

/**
 * Audits `imageRef` in the engine, for any policy's gate. Engine errors (image not found, engine
 * unreachable) propagate as they are.
 */
export async function auditImageForGate(engine: EngineClient, imageRef: string, options: Pick<ImageReadOptions, 'maxFileSize' | 'onProgress'> = {}): Promise<GateAudit> {
  const facts = await readImageFromEngine(engine, imageRef, options);
  return { format: GATE_AUDIT_FORMAT, target: imageTargetResult(facts), hashes: contentHashes(facts) };
}

/** One policy's verdict over an audit, with the report of what it accepted and refused. */
export function gateVerdict(audit: GateAudit, gate: HardeningPlan['gate']): GateResult {
  const { refused, summary, target } = verdictOf(audit, gate);
  return { refused, summary, report: buildReport(`gate ${target.name}`, [target], ALL_RULES) };
}

/** Audit and verdict in one call, for one policy (no cache). */
export async function runImageGate(engine: EngineClient, imageRef: string, gate: HardeningPlan['gate'], options: Pick<ImageReadOptions, 'maxFileSize' | 'onProgress'> = {}): Promise<GateResult> {
  return gateVerdict(await auditImageForGate(engine, imageRef, options), gate);
}
