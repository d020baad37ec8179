import { BulkheadError } from '../errors.js';
import type { HardeningPlan } from '../policy/plan.js';
import { enforcesSeccomp, gvisorRuntimes, type EngineRuntimes } from '../engine/runtimes.js';

/** The OCI runtime a run uses: runc (the engine's default) or a registered gVisor runtime. */
export interface SandboxDecision {
  /** HostConfig.Runtime; undefined = the engine's default (runc) */
  runtime?: string;
  /** what --dry-run and the label say */
  label: string;
  summary: string;
  warning?: string;
}

export { enforcesSeccomp, gvisorRuntimes, type EngineRuntimes } from '../engine/runtimes.js';

/** Without the engine (--dry-run): the plan names the runtime `scripts/engine` registers. */
export const ASSUMED_GVISOR_RUNTIME = 'runsc';

/**
 * Picks the runtime for a plan from what the engine has registered (undefined: not asked, as in
 * --dry-run). required + absent is refused (122); preferred + absent warns and uses runc. A
 * gVisor runtime registered without --oci-seccomp would drop the policy's seccomp profile, so
 * it counts as absent.
 */
export function decideSandbox(plan: HardeningPlan, runtimes: EngineRuntimes | undefined): SandboxDecision {
  const mode = plan.sandbox.mode;
  if (mode === 'off') return { label: 'runc', summary: 'runc (the engine default; no sandbox asked for)' };
  if (runtimes === undefined) {
    return { runtime: ASSUMED_GVISOR_RUNTIME, label: ASSUMED_GVISOR_RUNTIME, summary: `gVisor ${mode}: runtime "${ASSUMED_GVISOR_RUNTIME}" where the engine has it registered (checked at run time)${mode === 'preferred' ? ', else runc' : ', else refused'}` };
  }
  const usable = gvisorRuntimes(runtimes).filter((name) => plan.seccomp.mode !== 'generated' || enforcesSeccomp(runtimes[name]));
  const name = usable[0];
  if (name !== undefined) return { runtime: name, label: name, summary: `gVisor (runtime "${name}", --oci-seccomp)` };
  const registered = gvisorRuntimes(runtimes);
  const why = registered.length
    ? `runtime "${registered[0]}" is runsc without --oci-seccomp, which would drop the policy's seccomp profile`
    : 'the engine has no gVisor (runsc) runtime registered';
  if (mode === 'required') {
    throw new BulkheadError('refused', `refused: policy ${plan.policyName} requires the gVisor sandbox, but ${why} (scripts/engine installs runsc and registers it)`);
  }
  return { label: 'runc', summary: `runc: ${why}`, warning: `warning: running without gVisor: ${why} (policy ${plan.policyName} prefers it)` };
}
