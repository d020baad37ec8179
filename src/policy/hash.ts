import { createHash } from 'node:crypto';
import type { HardeningPlan } from './plan.js';

/**
 * sha256 (hex) of the plan's canonical JSON (keys sorted at every level, arrays in order).
 * `policyName` is left out: it is recorded in its own label, and the same rules reached through
 * `./p.yaml` or `/abs/p.yaml` must hash the same, so drift checks compare what is enforced.
 */
export function planHash(plan: HardeningPlan): string {
  const { policyName: _policyName, ...enforced } = plan;
  return createHash('sha256').update(canonicalJson(enforced)).digest('hex');
}

/** JSON with object keys sorted recursively; undefined members dropped like JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}
