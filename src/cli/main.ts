import { Command, CommanderError } from 'commander';
import { BulkheadError, describeError, type ErrorKind } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { toolVersion } from '../version.js';
import { registerRun } from './commands/run.js';
import { registerPolicy } from './commands/policy.js';
import { registerProfile } from './commands/profile.js';
import { registerAudit } from './commands/audit.js';
import { registerRules } from './commands/rules.js';

/** Which exit-code table a command uses: `run` mimics docker run, the rest are audits/tools. */
export type CommandFamily = 'run' | 'audit';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
}

/** What a command action hands back: its exit code. Actions never call process.exit. */
export interface CliContext {
  io: CliIo;
  /** set by the action that ran */
  exitCode: number;
  family: CommandFamily;
}

const runCodes: Record<ErrorKind, number> = {
  usage: ExitCode.runUsage,
  'invalid-input': ExitCode.runUsage,
  'invalid-policy': ExitCode.runInvalidPolicy,
  refused: ExitCode.runRefused,
  gate: ExitCode.runGateRefused,
  'not-found': ExitCode.runImageNotFound,
  'engine-unreachable': ExitCode.runEngineUnreachable,
  engine: ExitCode.runFailed,
  internal: ExitCode.runFailed,
};

const auditCodes: Record<ErrorKind, number> = {
  usage: ExitCode.auditUsage,
  'invalid-input': ExitCode.auditUsage,
  'invalid-policy': ExitCode.auditUsage,
  refused: ExitCode.auditUsage,
  gate: ExitCode.findings,
  'not-found': ExitCode.auditUsage,
  'engine-unreachable': ExitCode.auditEngineUnreachable,
  engine: ExitCode.auditEngineUnreachable,
  internal: ExitCode.auditUsage,
};

/** The one place an error becomes an exit code. */
export function exitCodeFor(err: unknown, family: CommandFamily): number {
  const kind: ErrorKind = err instanceof BulkheadError ? err.kind : 'internal';
  return (family === 'run' ? runCodes : auditCodes)[kind];
}

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('bulkhead')
    .description('Launch containers locked down by a policy, and audit everything around them.')
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride();
  registerRun(program, ctx);
  registerPolicy(program, ctx);
  registerProfile(program, ctx);
  registerAudit(program, ctx);
  registerRules(program, ctx);
  return program;
}

/** Runs the CLI and returns the exit code; only bin/bulkhead.js sets process.exitCode. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0, family: argv[0] === 'run' ? 'run' : 'audit' };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0
      if (err.exitCode === 0) return 0;
      return ctx.family === 'run' ? ExitCode.runUsage : ExitCode.auditUsage;
    }
    io.stderr.write(`bulkhead: ${describeError(err)}\n`);
    if (err instanceof BulkheadError) for (const line of err.details) io.stderr.write(`  ${line}\n`);
    if (io.env.BULKHEAD_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return exitCodeFor(err, ctx.family);
  }
}
