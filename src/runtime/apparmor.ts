import { existsSync, readFileSync } from 'node:fs';
import { BulkheadError } from '../errors.js';
import type { HardeningPlan } from '../policy/plan.js';

/** The host side of AppArmor: injected so both branches (enabled, absent) can be tested anywhere. */
export interface AppArmorHost {
  /** why AppArmor cannot be enforced here, or undefined when it can */
  unavailableReason(): string | undefined;
  /** loads (or replaces) a profile in the kernel */
  load(profileText: string): Promise<void>;
}

/** Enabled means the module says Y and securityfs exposes the apparmor interface. */
export function probeAppArmor(
  read: (path: string) => string | undefined = (p) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  },
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const enabled = read('/sys/module/apparmor/parameters/enabled')?.trim();
  if (enabled === undefined) return 'the kernel has no AppArmor module (/sys/module/apparmor is absent)';
  if (enabled !== 'Y') return `AppArmor is disabled in the kernel (/sys/module/apparmor/parameters/enabled is ${enabled || 'empty'})`;
  if (!exists('/sys/kernel/security/apparmor')) return 'securityfs does not expose /sys/kernel/security/apparmor';
  return undefined;
}

/** `apparmor_parser -r` reading the profile from stdin (a host tool, not docker). */
export async function loadWithApparmorParser(profileText: string): Promise<void> {
  // imported here: most hosts have no AppArmor, and every `bulkhead run` loads this module
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('apparmor_parser', ['-r'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => reject(new Error(`apparmor_parser: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`apparmor_parser -r exited ${code}: ${stderr.trim().split('\n')[0] ?? ''}`));
    });
    // the parser may exit (and close stdin) before reading it all; its exit code tells why
    child.stdin.on('error', () => undefined);
    child.stdin.end(profileText);
  });
}

export const realAppArmorHost: AppArmorHost = {
  unavailableReason: () => probeAppArmor(),
  load: loadWithApparmorParser,
};

export interface AppArmorDecision {
  /** the profile name to pass as apparmor=<name>, only when it is (or will be) enforced */
  profileName?: string;
  /** one line for stderr when the policy prefers AppArmor and it cannot be had */
  warning?: string;
  /** what --dry-run reports */
  summary: string;
}

/**
 * Decides whether the container gets an AppArmor profile. `required` refuses where it cannot
 * be enforced, `preferred` warns once, `disabled` says nothing. When `load` is false (dry run)
 * the profile is not loaded, but the decision is the same.
 */
export async function decideAppArmor(
  plan: HardeningPlan,
  host: AppArmorHost,
  renderProfile: () => string,
  options: { load: boolean },
): Promise<AppArmorDecision> {
  const mode = plan.apparmor.mode;
  if (mode === 'disabled') return { summary: 'disabled by policy' };
  const reason = host.unavailableReason();
  let failure = reason;
  if (reason === undefined && options.load) {
    try {
      await host.load(renderProfile());
    } catch (err) {
      failure = `loading profile ${plan.apparmor.profileName} failed: ${(err as Error).message}`;
    }
  }
  if (failure === undefined) return { profileName: plan.apparmor.profileName, summary: `enforced (profile ${plan.apparmor.profileName})` };
  if (mode === 'required') {
    throw new BulkheadError('refused', `refused: policy ${plan.policyName} requires AppArmor, but ${failure}; run on a host with AppArmor enabled or use a policy with apparmor preferred`);
  }
  return {
    warning: `warning: running without AppArmor: ${failure} (policy ${plan.policyName} prefers it)`,
    summary: `not enforced: ${failure}`,
  };
}
