import type { Command } from 'commander';
import { auditDockerfiles } from '../../audit/dockerfile/audit.js';
import { MAX_DOCKERFILE_BYTES } from '../../audit/dockerfile/read.js';
import { loadAuditConfig } from '../../audit/config.js';
import { buildReport } from '../../audit/report/build.js';
import { ALL_RULES } from '../../audit/rules/registry.js';
import { addCommonAuditOptions, emitReport, readStdinBytes, type CommonAuditOptions } from '../audit-common.js';
import type { CliContext } from '../main.js';

const MORE_HELP = `
Inputs:
  PATH     a Dockerfile (any name)
  DIR      searched recursively for Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile
           (node_modules and .git are skipped); default: the current directory
  -        read one Dockerfile from stdin (no build context: the .dockerignore check is skipped)

A file that cannot be read or is not a Dockerfile (empty, binary, over ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MB) is reported on
stderr and in the report; the other files are still checked. Exit code 2 only when no input
could be read at all (or on bad usage).

Inline ignores: put "# bulkhead ignore=DF002[,DF010] <reason>" on the line before the instruction.`;

export function registerAuditDockerfile(audit: Command, ctx: CliContext): void {
  const cmd = audit
    .command('dockerfile')
    .description('audit Dockerfiles: root user, secrets, unverified downloads, base images, hygiene (see bulkhead rules list --target dockerfile)')
    .argument('[inputs...]', 'Dockerfiles, directories to search, or - for stdin (default: .)');
  addCommonAuditOptions(cmd).addHelpText('after', MORE_HELP);
  cmd.action(async (inputs: string[], opts: CommonAuditOptions) => {
    const config = loadAuditConfig(opts.config);
    const stdin = inputs.includes('-') ? await readStdinBytes(ctx) : undefined;
    const targets = auditDockerfiles(inputs, { cwd: process.cwd(), ...(stdin ? { stdin } : {}), settings: { trustedRegistries: config.trustedRegistries, now: new Date() } });
    const report = buildReport('audit dockerfile', targets, ALL_RULES);
    ctx.exitCode = await emitReport(report, opts, ctx, config);
  });
}
