import { parseGateAudit, verdictOf } from '../audit/image/gate-verdict.js';
import type { ImageGate, PolicyServices } from './run.js';

/**
 * The real policy and profile modules, imported on first use so `bulkhead --version` and
 * `--help` never load YAML, JSON Schema or profile code.
 */
export async function defaultPolicyServices(): Promise<PolicyServices> {
  const [load, hash, seccomp, apparmor] = await Promise.all([
    import('../policy/load.js'),
    import('../policy/hash.js'),
    import('../profiles/seccomp.js'),
    import('../profiles/apparmor.js'),
  ]);
  return {
    loadPolicy: (ref, options) => load.loadPolicy(ref, options),
    planHash: (plan) => hash.planHash(plan),
    toSeccompProfile: (plan, target) => seccomp.toSeccompProfile(plan, target),
    toAppArmorProfile: (plan) => apparmor.toAppArmorProfile(plan),
  };
}

/**
 * The audit-then-run gate of the image auditor (src/audit/image/gate.ts), imported only when a
 * run actually audits an image (the policy enables the gate and no audit of the image is
 * cached). A cached audit is judged by gate-verdict.ts, which is small and loaded with the run.
 */
export async function defaultImageGate(): Promise<ImageGate | undefined> {
  return {
    audit: async (engine, imageRef) => {
      const { auditImageForGate } = await import('../audit/image/gate.js');
      return auditImageForGate(engine, imageRef);
    },
    verdict: (audit, gate) => {
      const parsed = parseGateAudit(audit);
      if (!parsed) return undefined;
      const { refused, summary } = verdictOf(parsed, gate);
      return { refused, summary };
    },
  };
}
