/**
 * The image audit: facts (read-image.ts) -> the image rules -> one TargetResult per image.
 * Shared by `bulkhead audit image` and the audit-then-run gate.
 */
import { existsSync } from 'node:fs';
import type { EngineClient } from '../../engine/client.js';
import { BulkheadError } from '../../errors.js';
import type { Finding, TargetError, TargetResult } from '../model.js';
import { fingerprint } from '../report/build.js';
import type { Rule } from '../rules/rule.js';
import { imageRules } from '../rules/image/index.js';
import type { ImageFacts } from './facts.js';
import { applyAllowlists, contentHashes, type GateAllowlists } from './allowlist.js';
import { readImageFromEngine, readImagePath, type ImageReadOptions } from './read-image.js';

export interface ImageAuditOptions extends ImageReadOptions {
  /** connects to the engine on first use (only REF targets need one) */
  engine?: () => Promise<EngineClient>;
  rules?: ReadonlyArray<Rule<ImageFacts>>;
  /** a policy's gate allowlists (`--policy`): accepted setuid files and secret files leave the report */
  allowlists?: GateAllowlists;
}

/** Runs every image rule over the facts; one broken rule does not hide the others. */
export function runImageRules(facts: ImageFacts, rules: ReadonlyArray<Rule<ImageFacts>> = imageRules): { findings: Finding[]; errors: TargetError[]; evaluated: string[] } {
  const findings: Finding[] = [];
  const errors: TargetError[] = [];
  const evaluated: string[] = [];
  const seen = new Map<string, number>();
  for (const rule of rules) {
    try {
      for (const d of rule.check(facts)) {
        const base = d.key ?? `${d.location?.path ?? ''}|${d.message}`;
        const n = (seen.get(`${rule.meta.id}|${base}`) ?? 0) + 1;
        seen.set(`${rule.meta.id}|${base}`, n);
        const f: Finding = { ruleId: rule.meta.id, severity: d.severity ?? rule.meta.severity, message: d.message, fingerprint: fingerprint(rule.meta.id, base, n) };
        if (d.location) f.location = d.location;
        if (d.evidence) f.evidence = d.evidence;
        findings.push(f);
      }
      evaluated.push(rule.meta.id);
    } catch (err) {
      errors.push({ message: `rule ${rule.meta.id} failed: ${(err as Error).message}` });
    }
  }
  return { findings, errors, evaluated };
}

/** Facts to a TargetResult: findings (less what the allowlists accept), read errors, and a few properties worth showing. */
export function imageTargetResult(facts: ImageFacts, rules?: ReadonlyArray<Rule<ImageFacts>>, allowlists?: GateAllowlists): TargetResult {
  const ran = runImageRules(facts, rules);
  const errors = ran.errors;
  const findings = allowlists ? applyAllowlists(ran.findings, contentHashes(facts), allowlists) : ran.findings;
  const target: TargetResult = { kind: 'image', name: facts.name, findings, errors: [...facts.errors.map((message) => ({ message })), ...errors], evaluated: ran.evaluated };
  const properties: Record<string, string | number | boolean> = { layers: facts.layers.length };
  if (facts.id) properties.imageId = facts.id;
  const bytes = facts.layers.reduce((n, l) => n + (l.duplicateOf === undefined ? (l.scan?.bytes ?? 0) : 0), 0);
  properties.bytesScanned = bytes;
  properties.files = facts.layers.reduce((n, l) => n + (l.duplicateOf === undefined ? (l.scan?.entries.length ?? 0) : 0), 0);
  if (facts.notes.length) properties.notes = facts.notes.join('; ');
  target.properties = properties;
  return target;
}

/** Reads one target: an existing file or directory, else an image reference in the engine. */
export async function readImageTarget(target: string, options: ImageAuditOptions): Promise<ImageFacts> {
  if (existsSync(target)) return readImagePath(target, options);
  if (!options.engine) throw new BulkheadError('not-found', `${target}: no such file, and no engine to look up an image of that name`);
  const engine = await options.engine();
  return readImageFromEngine(engine, target, options);
}

/**
 * Audits one target. Problems with this target (unreadable file, image not found) become
 * target errors, so the other targets are still audited; an unreachable engine throws.
 */
export async function auditImageTarget(target: string, options: ImageAuditOptions): Promise<TargetResult> {
  try {
    return imageTargetResult(await readImageTarget(target, options), options.rules, options.allowlists);
  } catch (err) {
    if (err instanceof BulkheadError && (err.kind === 'engine-unreachable' || err.kind === 'usage')) throw err;
    const message = err instanceof BulkheadError && err.kind === 'not-found' && !existsSync(target) ? `${target}: no such file, and no image of that name in the engine` : (err as Error).message.split('\n')[0] ?? String(err);
    return { kind: 'image', name: target, findings: [], errors: [{ message }] };
  }
}
