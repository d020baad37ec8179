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
    toSeccompProfile: (plan) => seccomp.toSeccompProfile(plan),
    toAppArmorProfile: (plan) => apparmor.toAppArmorProfile(plan),
  };
}

/**
 * The audit-then-run gate of the image auditor (src/audit/image/gate.ts), imported only when a
 * run actually audits an image (the policy enables the gate and the verdict is not cached).
 */
export async function defaultImageGate(): Promise<ImageGate | undefined> {
  return async (engine, imageRef, gate) => {
    const { runImageGate } = await import('../audit/image/gate.js');
    return runImageGate(engine, imageRef, gate);
  };
}
