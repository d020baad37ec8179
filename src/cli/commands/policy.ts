import { Option, type Command } from 'commander';
import { BulkheadError } from '../../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliContext } from '../main.js';
import { registerPolicyExport } from './policy-export.js';

// The policy modules (js-yaml, semver, ajv) are imported inside the actions so that other
// commands, `bulkhead run` above all, do not pay for them at startup.

export function registerPolicy(program: Command, ctx: CliContext): void {
  const policy = program
    .command('policy')
    .description('list, show and validate policies (built-in names or YAML files)')
    .addHelpText(
      'after',
      `
A policy is a YAML file (apiVersion: bulkhead/v1, kind: Policy) or a built-in name:
untrusted, default, service. See docs/policies.md for every field and the tighten-only
rule for \`extends\`.

Examples:
  $ bulkhead policy list
  $ bulkhead policy show untrusted
  $ bulkhead policy show ./my-policy.yaml --format json
  $ bulkhead policy validate policies/*.yaml ./my-policy.yaml`,
    );

  policy
    .command('list')
    .description('list the built-in policies')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (opts: { format: 'table' | 'json' }) => {
      const { listBuiltinPolicies, loadPolicy } = await import('../../policy/load.js');
      const rows = await Promise.all(
        listBuiltinPolicies().map(async (name) => {
          const { policy: p, chain } = await loadPolicy(name);
          return { name, extends: p.extends ?? null, description: p.metadata.description ?? '', chain };
        }),
      );
      if (opts.format === 'json') {
        ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      } else {
        const width = Math.max(...rows.map((r) => r.name.length));
        for (const r of rows) {
          const ext = r.extends ? ` (extends ${r.extends})` : '';
          ctx.io.stdout.write(`${r.name.padEnd(width)}  ${r.description}${ext}\n`);
        }
      }
      ctx.exitCode = ExitCode.ok;
    });

  policy
    .command('show')
    .description('print a policy after `extends` is resolved, and the hardening plan it produces')
    .argument('[name|file]', 'built-in name or YAML file', 'default')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['yaml', 'json']).default('yaml'))
    .addHelpText(
      'after',
      `
The output has the resolved policy (every field, as YAML vocabulary) and the plan (bytes,
nano-CPUs: what \`bulkhead run\` applies), plus the plan's sha256 that containers are labelled with.

Examples:
  $ bulkhead policy show                       # the default policy
  $ bulkhead policy show service --format json
  $ bulkhead policy show ./ci.yaml | less`,
    )
    .action(async (ref: string, opts: { format: 'yaml' | 'json' }) => {
      const { loadPolicy } = await import('../../policy/load.js');
      const { planHash } = await import('../../policy/hash.js');
      const loaded = await loadPolicy(ref);
      const shown = { name: loaded.name, source: loaded.source, chain: loaded.chain, planHash: planHash(loaded.plan), policy: loaded.policy, plan: loaded.plan };
      if (opts.format === 'json') {
        ctx.io.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
      } else {
        const { dump } = await import('js-yaml');
        ctx.io.stdout.write(dump(shown, { noRefs: true, lineWidth: 120 }));
      }
      ctx.exitCode = ExitCode.ok;
    });

  policy
    .command('validate')
    .description('check policy files (schema, extends, tighten-only rule, requires); one line per file')
    .argument('<file...>', 'policy files (or built-in names)')
    .addHelpText(
      'after',
      `
Prints "ok" or the first problem (file: field: message (line N)) for each file.

Exit codes:
  0  every file is valid
  2  at least one file is invalid

Examples:
  $ bulkhead policy validate ./my-policy.yaml
  $ bulkhead policy validate policies/*.yaml`,
    )
    .action(async (refs: string[]) => {
      const { loadPolicy } = await import('../../policy/load.js');
      let invalid = 0;
      for (const ref of refs) {
        try {
          const { policy: p, chain } = await loadPolicy(ref);
          const via = chain.length > 1 ? `, extends ${chain.slice(1).join(' -> ')}` : '';
          ctx.io.stdout.write(`ok: ${ref} (policy ${p.metadata.name}${via})\n`);
        } catch (e) {
          if (!(e instanceof BulkheadError) || e.kind !== 'invalid-policy') throw e;
          invalid++;
          const more = e.details.length ? ` (and ${e.details.length} more)` : '';
          ctx.io.stdout.write(`invalid: ${e.message}${more}\n`);
        }
      }
      ctx.exitCode = invalid ? ExitCode.auditUsage : ExitCode.ok;
    });
  registerPolicyExport(policy, ctx);
}
