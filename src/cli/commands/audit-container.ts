import { Option, type Command } from 'commander';
import type { CliContext } from '../main.js';
import { addCommonAuditOptions, emitReport, type CommonAuditOptions } from '../audit-common.js';
import { connectEngine } from '../../engine/dockerode-client.js';
import { BulkheadError, describeError } from '../../errors.js';
import { auditContainers } from '../../audit/container/audit.js';
import { FS_MODES, type FsMode } from '../../audit/container/files.js';
import { buildReport } from '../../audit/report/build.js';
import { ALL_RULES } from '../../audit/rules/registry.js';
import { baselineFromReportDir, keepRunInReportDir } from '../../audit/report/report-dir.js';

interface AuditContainerOptions extends CommonAuditOptions {
  all?: boolean;
  fs: FsMode;
  host?: string;
  reportDir?: string;
}

export function registerAuditContainer(audit: Command, ctx: CliContext): void {
  const cmd = audit
    .command('container')
    .description('audit running containers: privileges, mounts, namespaces, limits, confinement, env secrets, files changed at run time, drift from their bulkhead policy')
    .argument('[containers...]', 'container ids or names (default: every running container)')
    .option('-a, --all', 'with no containers named: include stopped containers')
    .addOption(new Option('--fs <mode>', 'files: none, changes (paths changed since start, via the archive API) or full (export the whole filesystem)').choices([...FS_MODES]).default('changes'))
    .option('-H, --host <url>', 'engine URL (unix://, tcp://, ssh://); default: DOCKER_HOST or the local socket')
    .option('--report-dir <dir>', 'also keep this run in DIR (timestamped JSON + HTML, index.html with the trend); compares with the previous run unless --baseline is given');
  addCommonAuditOptions(cmd).action(async (refs: string[], opts: AuditContainerOptions) => {
    let engine;
    try {
      // an engine silent for 2 minutes is not coming back: end the request rather than hang a scheduled job
      engine = await connectEngine(opts.host ?? ctx.io.env.DOCKER_HOST, { idleTimeoutMs: 120_000 });
    } catch (err) {
      if (err instanceof BulkheadError) throw err;
      throw new BulkheadError('usage', `--host ${opts.host ?? ctx.io.env.DOCKER_HOST ?? ''}: ${describeError(err)}`);
    }
    const targets = await auditContainers(engine, { refs, all: opts.all ?? false, fs: opts.fs });
    const report = buildReport(`audit container${refs.length ? ` ${refs.join(' ')}` : ''}`, targets, ALL_RULES);
    if (opts.reportDir && !opts.baseline) {
      const previous = baselineFromReportDir(opts.reportDir);
      if (previous) opts.baseline = previous;
    }
    ctx.exitCode = await emitReport(report, opts, ctx, undefined, { containersListed: refs.length === 0 });
    if (opts.reportDir) keepRunInReportDir(opts.reportDir, report);
  });
}
