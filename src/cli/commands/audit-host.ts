import { Option, type Command } from 'commander';
import type { CliContext } from '../main.js';
import { addCommonAuditOptions, emitReport, type CommonAuditOptions } from '../audit-common.js';
import { auditHosts } from '../../audit/host/audit.js';
import { BulkheadError } from '../../errors.js';
import { FS_MODES, type FsMode } from '../../audit/container/files.js';
import { buildReport } from '../../audit/report/build.js';
import { ALL_RULES } from '../../audit/rules/registry.js';
import { baselineFromReportDir, keepRunInReportDir } from '../../audit/report/report-dir.js';

interface AuditHostOptions extends CommonAuditOptions {
  host: string[];
  reportDir?: string;
  daemonJson?: string;
  fs: FsMode;
  timeout: string;
}

export function registerAuditHost(audit: Command, ctx: CliContext): void {
  const cmd = audit
    .command('host')
    .description('audit the engine and its host (versions vs known CVEs, daemon settings, socket, kernel confinement), then every running container and the images')
    .option('-H, --host <url>', 'engine URL (unix://, tcp:// with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, ssh://); repeat to audit several hosts concurrently', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--report-dir <dir>', 'also keep this run in DIR (timestamped JSON + HTML, index.html with the trend); compares with the previous run unless --baseline is given')
    .option('--daemon-json <path>', 'daemon.json of the local engine (default: dockerd --config-file, else /etc/docker/daemon.json)')
    .addOption(new Option('--fs <mode>', 'container files: none, changes or full').choices([...FS_MODES]).default('changes'))
    .option('--timeout <seconds>', 'seconds an engine may take to answer before it is reported unreachable', '60');
  addCommonAuditOptions(cmd).action(async (opts: AuditHostOptions) => {
    const hosts = opts.host.length ? opts.host : ctx.io.env.DOCKER_HOST ? [ctx.io.env.DOCKER_HOST] : [];
    const timeoutSeconds = Number(opts.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new BulkheadError('usage', `--timeout ${opts.timeout}: expected a number of seconds above 0`);
    const targets = await auditHosts({ hosts, fs: opts.fs, timeoutSeconds, ...(opts.daemonJson ? { daemonJsonPath: opts.daemonJson } : {}) });
    const report = buildReport('audit host', targets, ALL_RULES);
    if (opts.reportDir && !opts.baseline) {
      const previous = baselineFromReportDir(opts.reportDir);
      if (previous) opts.baseline = previous;
    }
    // every host's running containers were listed: one absent now is gone
    ctx.exitCode = await emitReport(report, opts, ctx, undefined, { containersListed: true });
    if (opts.reportDir) keepRunInReportDir(opts.reportDir, report);
  });
}
