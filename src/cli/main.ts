import { Command, CommanderError } from 'commander';
import { BulkheadError, describeError, type ErrorKind } from '../errors.js';
import { ExitCode } from './exit-codes.js';
import { toolVersion } from '../version.js';

type Registrar = (program: Command, ctx: CliContext) => void;

/**
 * Top-level commands, each loaded only when needed: `bulkhead run` must not pay for evaluating
 * the auditors (and vice versa). --help and unknown words load them all.
 */
const COMMANDS: Record<string, () => Promise<Registrar>> = {
  run: async () => (await import('./commands/run.js')).registerRun,
  pull: async () => (await import('./commands/pull.js')).registerPull,
  policy: async () => (await import('./commands/policy.js')).registerPolicy,
  profile: async () => (await import('./commands/profile.js')).registerProfile,
  audit: async () => (await import('./commands/audit.js')).registerAudit,
  rules: async () => (await import('./commands/rules.js')).registerRules,
  authz: async () => (await import('./commands/authz.js')).registerAuthz,
  learn: async () => (await import('./commands/learn.js')).registerLearn,
};

/** Which exit-code table a command uses: `run` mimics docker run, the rest are audits/tools. */
export type CommandFamily = 'run' | 'audit';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
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
  pull: ExitCode.runPullFailed,
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
  pull: ExitCode.auditUsage,
  'engine-unreachable': ExitCode.auditEngineUnreachable,
  engine: ExitCode.auditEngineUnreachable,
  internal: ExitCode.auditUsage,
};

/** The one place an error becomes an exit code. */
export function exitCodeFor(err: unknown, family: CommandFamily): number {
  const kind: ErrorKind = err instanceof BulkheadError ? err.kind : 'internal';
  return (family === 'run' ? runCodes : auditCodes)[kind];
}

export async function buildProgram(ctx: CliContext, argv: string[] = []): Promise<Command> {
  const program = new Command('bulkhead')
    .description('Launch containers locked down by a policy, and audit everything around them.')
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => ctx.io.stdout.write(s),
      writeErr: (s) => ctx.io.stderr.write(s),
    })
    .exitOverride();
  const first = argv[0];
  const wanted = first !== undefined && Object.hasOwn(COMMANDS, first) ? [first] : Object.keys(COMMANDS);
  const registrars = await Promise.all(wanted.map((name) => COMMANDS[name]!()));
  for (const register of registrars) register(program, ctx);
  return program;
}

/** Runs the CLI and returns the exit code; only bin/bulkhead.js sets process.exitCode. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const ctx: CliContext = { io, exitCode: 0, family: argv[0] === 'run' || argv[0] === 'pull' ? 'run' : 'audit' };
  const program = await buildProgram(ctx, argv);
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
