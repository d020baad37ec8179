import type { Command } from 'commander';
import { auditCompose } from '../../audit/compose/audit.js';
import { DEFAULT_COMPOSE_FILES } from '../../audit/compose/load.js';
import { buildReport } from '../../audit/report/build.js';
import { ALL_RULES } from '../../audit/rules/registry.js';
import { addCommonAuditOptions, emitReport, type CommonAuditOptions } from '../audit-common.js';
import type { CliContext } from '../main.js';

interface AuditComposeOptions extends CommonAuditOptions {
  file: string[];
  profile: string[];
  envFile?: string;
}

const MORE_HELP = `
Inputs:
  FILE...  compose files, merged in order as \`docker compose -f FILE -f FILE\` merges them
           (default: the first of ${DEFAULT_COMPOSE_FILES.join(', ')} in the current directory)

The files are read as compose reads them: \`extends\`, anchors and merge keys, \${VAR} interpolation
from the environment and .env (a missing required variable is an error with its file:line), and
profiles (--profile or COMPOSE_PROFILES). Each active service is checked by the container rules
(bulkhead rules list --target container); findings point at the file and line of the field.`;

export function registerAuditCompose(audit: Command, ctx: CliContext): void {
  const cmd = audit
    .command('compose')
    .description('audit compose services before they run: the container rules on every service, with file:line of each field')
    .argument('[files...]', 'compose files, merged in order (default: compose.yaml, docker-compose.yml, ... in the current directory)')
    // -f is --format in every audit; --file is compose's -f
    .option('--file <file>', "a compose file, as compose's -f (repeatable; the same as naming it)", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--profile <name>', 'activate a profile (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--env-file <file>', 'read variables from FILE instead of .env in the project directory');
  addCommonAuditOptions(cmd).addHelpText('after', MORE_HELP);
  cmd.action(async (args: string[], opts: AuditComposeOptions) => {
    const files = [...opts.file, ...args];
    const targets = auditCompose(files, { cwd: process.cwd(), env: ctx.io.env, profiles: opts.profile, ...(opts.envFile ? { envFile: opts.envFile } : {}) });
    const report = buildReport(`audit compose${files.length ? ` ${files.join(' ')}` : ''}`, targets, ALL_RULES);
    ctx.exitCode = await emitReport(report, opts, ctx);
  });
}
