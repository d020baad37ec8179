import type { Severity } from '../audit/model.js';
import { atOrAbove } from '../audit/model.js';
import type { ContainerFacts } from '../audit/container/facts.js';
import type { Rule } from '../audit/rules/rule.js';
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

/** A finding of a container rule as the policy judges it (no fingerprint: a decision is not a report). */
export interface JudgedFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** the policy field that requires this rule's setting, when the policy raised it */
  requiredBy?: string;
}

/** Per loaded policy, built once: the rules it requires and the capabilities it allows (upper case, no CAP_). */
const judgeOf = new WeakMap<object, { required: Map<string, string>; allowedCaps: Set<string> }>();
function judge(loaded: Pick<LoadedPolicy, 'policy' | 'plan'>): { required: Map<string, string>; allowedCaps: Set<string> } {
  let j = judgeOf.get(loaded);
  if (!j) {
    j = {
      required: new Map(REQUIRED_BY_POLICY.filter((r) => r.required(loaded.policy)).map((r) => [r.rule, r.field])),
      allowedCaps: new Set([...loaded.plan.capabilities.add, ...loaded.plan.capabilities.allowed].map((c) => c.toUpperCase().replace(/^CAP_/, ''))),
    };
    judgeOf.set(loaded, j);
  }
  return j;
}

/**
 * Runs the container rules on the facts and returns the findings the policy does not admit:
 * required rules at any severity, others at or above authz.failOn; a capability the policy allows
 * is no longer dangerous (CT002's key is the capability).
 */
export function denyingFindings(rules: ReadonlyArray<Rule<ContainerFacts>>, facts: ContainerFacts, loaded: Pick<LoadedPolicy, 'policy' | 'plan'>): JudgedFinding[] {
  const failOn: Severity = loaded.policy.authz.failOn;
  const { required, allowedCaps } = judge(loaded);
  const out: JudgedFinding[] = [];
  for (const rule of rules) {
    const ruleId = rule.meta.id;
    for (const d of rule.check(facts)) {
      if (ruleId === 'CT002' && d.key !== undefined && allowedCaps.has(d.key)) continue;
      const severity = d.severity ?? rule.meta.severity;
      const field = required.get(ruleId);
      if (field !== undefined) out.push({ ruleId, severity, message: d.message, requiredBy: field });
      else if (atOrAbove(severity, failOn)) out.push({ ruleId, severity, message: d.message });
    }
  }
  return out;
}
