import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { auditDockerfiles } from '../../audit/dockerfile/audit.js';
import { MAX_DOCKERFILE_BYTES } from '../../audit/dockerfile/read.js';
import { loadAuditConfig } from '../../audit/config.js';
import { buildReport } from '../../audit/report/build.js';
import { ALL_RULES } from '../../audit/rules/registry.js';
import { addCommonAuditOptions, emitReport, readStdinBytes, type CommonAuditOptions } from '../audit-common.js';
import type { CliContext } from '../main.js';
import { BulkheadError } from '../../errors.js';

function resolveContext(dir: string): string {
  const abs = resolve(dir);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (err) {
    throw new BulkheadError('usage', `--context ${dir}: no such directory (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!isDir) throw new BulkheadError('usage', `--context ${dir}: not a directory`);
  return abs;
}

const MORE_HELP = `
Inputs:
  PATH     a Dockerfile (any name)
  DIR      searched recursively for Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile
           (node_modules and .git are skipped); default: the current directory
  -        read one Dockerfile from stdin (no build context unless --context is given)

Build context: what COPY sends is judged by what is on disk. The context is --context DIR
when given (for every input), else each Dockerfile's own directory (\`docker build .\` next to
it). DF031 (COPY .) is high only when a file holding a secret would be copied past the
.dockerignore; DF015 reads the copied file's content. Without a readable context (stdin and no
--context) both say the content is unknown, at a lower severity.

A file that cannot be read or is not a Dockerfile (empty, binary, over ${MAX_DOCKERFILE_BYTES / 1024 / 1024} MB) is reported on
stderr and in the report; the other files are still checked. Exit code 2 only when no input
could be read at all (or on bad usage).

Inline ignores: put "# bulkhead ignore=DF002[,DF010] <reason>" on the line before the instruction.`;

export function registerAuditDockerfile(audit: Command, ctx: CliContext): void {
  const cmd = audit
    .command('dockerfile')
    .description('audit Dockerfiles: root user, secrets, unverified downloads, base images, hygiene (see bulkhead rules list --target dockerfile)')
    .argument('[inputs...]', 'Dockerfiles, directories to search, or - for stdin (default: .)');
  cmd.option('--context <dir>', 'the build context COPY/ADD read from (default: each Dockerfile\'s directory)');
  addCommonAuditOptions(cmd).addHelpText('after', MORE_HELP);
  cmd.action(async (inputs: string[], opts: CommonAuditOptions & { context?: string }) => {
    const contextDir = opts.context === undefined ? undefined : resolveContext(opts.context);
    const config = loadAuditConfig(opts.config);
    const stdin = inputs.includes('-') ? await readStdinBytes(ctx) : undefined;
    const targets = auditDockerfiles(inputs, { cwd: process.cwd(), ...(stdin ? { stdin } : {}), ...(contextDir ? { contextDir } : {}), settings: { trustedRegistries: config.trustedRegistries, now: new Date() } });
    const report = buildReport('audit dockerfile', targets, ALL_RULES);
    ctx.exitCode = await emitReport(report, opts, ctx, config);
  });
}
