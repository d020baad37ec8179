import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { BulkheadError } from '../../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliContext } from '../main.js';

interface ProfileOptions {
  policy?: string;
  output?: string;
}

async function emit(ctx: CliContext, text: string, output: string | undefined, what: string): Promise<void> {
  if (output === undefined || output === '-') {
    ctx.io.stdout.write(text);
    return;
  }
  try {
    await writeFile(output, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new BulkheadError('invalid-input', `${output}: cannot write the ${what}: ${code}`, { cause: e });
  }
  ctx.io.stderr.write(`wrote ${what} to ${output}\n`);
}

export function registerProfile(program: Command, ctx: CliContext): void {
  const profile = program
    .command('profile')
    .description('write the seccomp or AppArmor profile a policy generates, for plain docker, compose or Kubernetes')
    .addHelpText(
      'after',
      `
Examples:
  $ bulkhead profile seccomp --policy untrusted --output untrusted.json
  $ docker run --security-opt seccomp=untrusted.json busybox true
  $ bulkhead profile apparmor --policy service --output /etc/apparmor.d/bulkhead-service
  $ sudo apparmor_parser -r /etc/apparmor.d/bulkhead-service
  $ docker run --security-opt apparmor=bulkhead-service busybox true`,
    );

  profile
    .command('seccomp')
    .description('write the Docker/OCI seccomp JSON profile generated from a policy')
    .option('-p, --policy <name|file>', 'built-in policy name or YAML file', 'default')
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .addHelpText(
      'after',
      `
The profile denies every syscall by default (EPERM) and allows the policy's syscall groups
(securityContext.seccompProfile.allowGroups adds optional ones). Use it with
  docker run --security-opt seccomp=FILE ...
  Kubernetes: securityContext.seccompProfile {type: Localhost, localhostProfile: FILE}`,
    )
    .action(async (opts: ProfileOptions) => {
      const { loadPolicy } = await import('../../policy/load.js');
      const { toSeccompProfile } = await import('../../profiles/seccomp.js');
      const { plan, name } = await loadPolicy(opts.policy);
      if (plan.seccomp.mode !== 'generated') {
        ctx.io.stderr.write(`note: policy ${name} runs with the engine's default seccomp profile; this is the profile bulkhead would generate for it\n`);
      }
      await emit(ctx, `${JSON.stringify(toSeccompProfile(plan), null, 2)}\n`, opts.output, 'seccomp profile');
      ctx.exitCode = ExitCode.ok;
    });

  profile
    .command('apparmor')
    .description('write the AppArmor profile generated from a policy (load it with apparmor_parser -r)')
    .option('-p, --policy <name|file>', 'built-in policy name or YAML file', 'default')
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .addHelpText(
      'after',
      `
The profile is named bulkhead-<policy metadata.name>. Load it on the host with
  sudo apparmor_parser -r FILE
and use it with docker run --security-opt apparmor=bulkhead-<name> ...`,
    )
    .action(async (opts: ProfileOptions) => {
      const { loadPolicy } = await import('../../policy/load.js');
      const { toAppArmorProfile } = await import('../../profiles/apparmor.js');
      const { plan, name } = await loadPolicy(opts.policy);
      if (plan.apparmor.mode === 'disabled') {
        ctx.io.stderr.write(`note: policy ${name} does not ask for AppArmor (appArmorProfile.mode: disabled); this is the profile it would use\n`);
      }
      await emit(ctx, toAppArmorProfile(plan), opts.output, 'AppArmor profile');
      ctx.exitCode = ExitCode.ok;
    });
}
