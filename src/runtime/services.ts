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

/** The image gate, when the image auditor provides one (see src/audit/image/gate.ts). */
export async function defaultImageGate(): Promise<ImageGate | undefined> {
  return undefined;
}
