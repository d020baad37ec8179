import type { Finding, Severity } from '../audit/model.js';
import { atOrAbove } from '../audit/model.js';
import { fingerprint } from '../audit/report/build.js';
import type { LoadedPolicy } from '../policy/load.js';
import type { Policy } from '../policy/types.js';

/**
 * Container rules whose subject a policy field asks for: when the policy sets the field, a
 * finding of the rule denies whatever the rule's own severity (a writable root is `low` in an
 * audit, but a policy with readOnlyRootFilesystem: true does not admit it). Data, documented in docs/authz.md.
 */
export const REQUIRED_BY_POLICY: ReadonlyArray<{ rule: string; field: string; required: (p: Policy) => boolean }> = [
  // capabilities.drop is always [ALL]
  { rule: 'CT003', field: 'securityContext.capabilities.drop', required: () => true },
  // every resolved policy has the three limits (the base policy sets them)
  { rule: 'CT013', field: 'resources.limits.memory', required: () => true },
  { rule: 'CT014', field: 'resources.limits.cpu', required: () => true },
  { rule: 'CT015', field: 'resources.limits.pids', required: () => true },
  { rule: 'CT018', field: 'securityContext.allowPrivilegeEscalation', required: (p) => !p.securityContext.allowPrivilegeEscalation },
  { rule: 'CT019', field: 'securityContext.runAsNonRoot', required: (p) => p.securityContext.runAsNonRoot },
  { rule: 'CT020', field: 'securityContext.readOnlyRootFilesystem', required: (p) => p.securityContext.readOnlyRootFilesystem },
];

export interface JudgedFinding extends Finding {
  /** the policy field that requires this rule's setting, when the policy raised it */
  requiredBy?: string;
}

/**
 * The audit's findings as the policy judges them: required rules at least at the policy's
 * threshold, capabilities the policy allows no longer dangerous. Returns those that deny.
 */
export function denyingFindings(findings: readonly Finding[], loaded: Pick<LoadedPolicy, 'policy' | 'plan'>, containerName: string): JudgedFinding[] {
  const failOn: Severity = loaded.policy.authz.failOn;
  const required = new Map(REQUIRED_BY_POLICY.filter((r) => r.required(loaded.policy)).map((r) => [r.rule, r.field]));
  const allowedCaps = new Set(
    [...loaded.plan.capabilities.add, ...loaded.plan.capabilities.allowed].map((c) => fingerprint('CT002', 'container', containerName, c.toUpperCase().replace(/^CAP_/, ''))),
  );
  const out: JudgedFinding[] = [];
  for (const f of findings) {
    if (f.ruleId === 'CT002' && allowedCaps.has(f.fingerprint)) continue;
    const field = required.get(f.ruleId);
    if (field !== undefined) out.push({ ...f, requiredBy: field });
    else if (atOrAbove(f.severity, failOn)) out.push(f);
  }
  return out;
}
