import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { loadPolicy } from '../policy/load.js';
import { BulkheadError } from '../errors.js';
import { SEVERITIES, type Report } from '../audit/model.js';
import { failingFindings, type FailOn } from '../audit/report/build.js';
import { applyBaseline, readBaseline, type BaselineOptions } from '../audit/report/baseline.js';
import { FORMATTERS, isFormatName } from '../audit/report/formatters/index.js';
import { terminalWidth } from '../audit/report/terminal-width.js';
import { findRule } from '../audit/rules/registry.js';
import { applyAuditConfig, loadAuditConfig, type AuditConfig } from '../audit/config.js';
import { ExitCode } from './exit-codes.js';
import type { CliContext } from './main.js';

/** Options every `bulkhead audit <target>` shares. */
export interface CommonAuditOptions {
  format: string;
  output?: string;
  failOn: FailOn;
  policy?: string;
  config?: string;
  baseline?: string;
}

export const AUDIT_EXIT_HELP = `
Exit codes:
  0  no finding at or above --fail-on (with --baseline: no new one)
  1  findings at or above --fail-on
  2  bad usage, or no target could be read
  3  the Docker engine could not be reached`;

export function addCommonAuditOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-f, --format <format>', `report format (${Object.keys(FORMATTERS).join(', ')})`).default('table'))
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'never']).default('high'))
    .option('--policy <name|file>', "policy whose audit settings apply (built-in name or YAML file); its gate.failOn is the threshold unless --fail-on is given")
    .option('--config <file>', 'project config (.bulkhead.yaml): severities, disabled rules, ignores')
    .option('--baseline <report.json>', 'fail only on findings that are new since this JSON report')
    .addHelpText('after', AUDIT_EXIT_HELP)
    // for every audit, in one place: a named policy sets the threshold when --fail-on is absent
    .hook('preAction', async (_self, action) => {
      const opts = action.opts<CommonAuditOptions>();
      const failOn = await policyFailOn(action, opts);
      if (failOn !== opts.failOn) action.setOptionValueWithSource('failOn', failOn, 'config');
    });
}

/**
 * Applies the project config (--config or ./.bulkhead.yaml; pass `config` when the audit
 * already loaded it, e.g. for trustedRegistries), then the baseline; formats, writes, and
 * returns the audit's exit code.
 * The formatter never decides the exit code; this function does, from the report.
 */
export async function emitReport(report: Report, opts: CommonAuditOptions, ctx: CliContext, config?: AuditConfig, baselineOptions: BaselineOptions = {}): Promise<number> {
  if (!isFormatName(opts.format)) {
    throw new BulkheadError('usage', `--format ${opts.format}: unknown format (expected one of ${Object.keys(FORMATTERS).join(', ')})`);
  }
  // The project config applies to every audit here, in one place: disabled rules, severities, ignores.
  const projectConfig = config ?? loadAuditConfig(opts.config);
  const outcome = applyAuditConfig(report, projectConfig);
  const auditedKinds = new Set(report.targets.map((t) => t.kind));
  for (const ig of outcome.expired) {
    ctx.io.stderr.write(`bulkhead: ${projectConfig.source}${ig.line ? `:${ig.line}` : ''}: ignore of ${ig.rule} expired on ${ig.until}; it no longer applies\n`);
  }
  for (const ig of outcome.unused) {
    if (!auditedKinds.has(findRule(ig.rule)?.target ?? 'dockerfile')) continue;
    ctx.io.stderr.write(`bulkhead: ${projectConfig.source}${ig.line ? `:${ig.line}` : ''}: ignore of ${ig.rule} matched no finding (remove it?)\n`);
  }
  if (opts.baseline) applyBaseline(report, readBaseline(opts.baseline), baselineOptions);
  const formatter = await FORMATTERS[opts.format]();
  const color = !opts.output && ctx.io.stdout.isTTY === true && !ctx.io.env.NO_COLOR;
  // a file gets the width of a terminal that is not known; stdout gets its own
  const width = opts.output ? terminalWidth({}, ctx.io.env) : terminalWidth(ctx.io.stdout, ctx.io.env);
  const text = formatter(report, { color, width });
  if (opts.output) {
    try {
      writeFileSync(opts.output, text);
    } catch (err) {
      throw new BulkheadError('usage', `--output ${opts.output}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  } else {
    ctx.io.stdout.write(text);
  }
  // Problems reading targets go to stderr too, whatever the format, so a CI log shows them.
  for (const t of report.targets) for (const e of t.errors) ctx.io.stderr.write(`bulkhead: ${t.name}${e.location?.line ? `:${e.location.line}` : ''}: ${e.message}\n`);
  // A target counts as read when it has no errors, produced findings, or its auditor says it was
  // audited despite errors (properties.audited, e.g. a Dockerfile with one unknown instruction).
  const readable = report.targets.filter((t) => t.errors.length === 0 || t.findings.length > 0 || t.properties?.audited === true);
  if (report.targets.length > 0 && readable.length === 0) return ExitCode.auditUsage;
  return failingFindings(report, opts.failOn).length > 0 ? ExitCode.findings : ExitCode.ok;
}

/**
 * The threshold to use: --fail-on when given on the command line, else the --policy's
 * gate.failOn when a policy is named, else the --fail-on default.
 */
export async function policyFailOn(cmd: Command, opts: CommonAuditOptions): Promise<FailOn> {
  if (!opts.policy || cmd.getOptionValueSource('failOn') === 'cli') return opts.failOn;
  return (await loadPolicy(opts.policy)).plan.gate.failOn;
}

/** Reads all of stdin as bytes (for `-` inputs; the caller decides how to decode). */
export async function readStdinBytes(ctx: CliContext): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
