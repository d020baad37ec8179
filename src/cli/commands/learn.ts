import { constants } from 'node:os';
import type { Command } from 'commander';
import { BulkheadError } from '../../errors.js';
import type { CliContext } from '../main.js';
import { ExitCode } from '../exit-codes.js';

/** "exited 139 (SIGSEGV)": the signal behind a 128+N exit, which a denied call often is. */
export function exitText(code: number | undefined): string {
  const name = code !== undefined && code > 128 ? Object.entries(constants.signals).find(([, n]) => n === code - 128)?.[0] : undefined;
  const hint = name === 'SIGSYS' ? ': a seccomp kill' : '';
  return `exited ${code ?? '?'}${name ? ` (${name}${hint})` : ''}`;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const LEARN_HELP = `
Watches IMAGE once under the base policy's user, capabilities and limits, but with a writable
root and a seccomp profile that logs every call (read from auditd's log: run as root with
auditd started). Writes a policy that extends the base with exactly what was used (syscall
allowlist, tmpfs for the directories written, memory and pids from the peaks, the base's added
capabilities narrowed to those used where the kernel's cap_capable tracepoint shows them), then re-runs
the same command and probe under it (read-only root and all) and writes it only if that passes.

Examples:
  bulkhead learn --until-exit bulkhead-test/busybox:1 -- sh -c 'echo hi > /tmp/x' --output job.policy.yaml
  bulkhead learn --policy service -p 8080:80 --duration 5 --probe 'curl -fs localhost:8080/' nginx:1 --output web.policy.yaml
  bulkhead learn --until-exit --merge web.policy.yaml nginx:1 -- nginx -t --output web2.policy.yaml   (merge runs)

Exit codes:
  0  learned, verified and written
  2  bad usage, invalid base policy, or no way to observe (auditd not running)
  3  the Docker engine could not be reached
  4  the learned policy failed its verify run (not written; --force writes it anyway)
  5  the workload needs something the base policy forbids (reported, nothing written)`;

interface LearnFlags {
  policy?: string;
  duration?: string;
  untilExit?: boolean;
  probe?: string;
  publish?: string[];
  output: string;
  force?: boolean;
  merge?: string;
}

export function registerLearn(program: Command, ctx: CliContext): void {
  program
    .command('learn')
    .description('Watch a workload once and write the tightest policy it still runs under (verified)')
    .argument('<image>', 'image reference (must already be in the engine)')
    .argument('[command...]', 'command and arguments (after --)')
    .option('--policy <name|file>', 'the base policy the learned one extends (default: default)')
    .option('--duration <seconds>', 'watch this long, then stop the workload (default 5)')
    .option('--until-exit', 'watch until the workload exits (at most 120 s)')
    .option('--probe <cmd>', 'a host command run while it runs (e.g. curl localhost:8080/), retried until it succeeds')
    .option('-p, --publish <[IP:]HOST:CONTAINER[/proto]>', 'publish a port (the base must allow it); repeatable', collect)
    .requiredOption('-o, --output <file>', 'where to write the learned policy')
    .option('--force', 'write the learned policy even when its verify run fails')
    .option('--merge <file>', 'a policy an earlier learn run wrote: keep what it allows (merge several runs)')
    .addHelpText('after', LEARN_HELP)
    .action(async (image: string, command: string[], flags: LearnFlags) => {
      ctx.family = 'audit';
      if (flags.duration !== undefined && flags.untilExit) throw new BulkheadError('usage', 'learn: --duration and --until-exit exclude each other');
      const durationS = flags.duration === undefined ? undefined : Number(flags.duration);
      if (durationS !== undefined && !(durationS > 0 && durationS <= 600)) throw new BulkheadError('usage', `learn: --duration ${flags.duration}: a number of seconds from 1 to 600`);
      const { learn } = await import('../../learn/learn.js');
      const r = await learn({
        image,
        command,
        ...(flags.policy !== undefined ? { policy: flags.policy } : {}),
        ...(durationS !== undefined ? { durationS } : {}),
        untilExit: flags.untilExit === true,
        ...(flags.probe !== undefined ? { probe: flags.probe } : {}),
        publish: flags.publish ?? [],
        output: flags.output,
        force: flags.force === true,
        ...(flags.merge !== undefined ? { merge: flags.merge } : {}),
        cwd: process.cwd(),
        env: ctx.io.env,
        log: (line) => ctx.io.stderr.write(`${line}\n`),
      });
      const say = (line: string): boolean => ctx.io.stdout.write(`${line}\n`);
      for (const w of r.warnings) ctx.io.stderr.write(`bulkhead: warning: ${w}\n`);
      say(`learn run: ${r.learnRun.stillRunning ? 'still running at the end' : exitText(r.learnRun.exitCode)}${r.learnRun.probeOk === undefined ? '' : `, probe ${r.learnRun.probeOk ? 'passed' : 'failed'}`}`);
      say(`syscalls allowed: learned ${r.syscalls.learned}, base ${r.syscalls.base}, bulkhead untrusted ${r.syscalls.untrusted}, Docker's default ${r.syscalls.dockerDefault} (names, all arches)`);
      say(`tmpfs learned: ${r.tmpfs.length ? r.tmpfs.join(', ') : 'none'}`);
      const c = r.capabilities;
      say(c ? `capabilities: used ${c.granted.length ? c.granted.join(', ') : 'none'}; learned add [${c.add.join(', ')}]${c.refused.length ? `; refused checks ${c.refused.map(([n, k]) => `${n} x${k}`).join(', ')}` : ''}` : 'capabilities: not observed (kept as the base has them)');
      if (r.reasons.length) {
        say(`cannot run under the base policy:`);
        for (const reason of r.reasons) say(`  - ${reason}`);
        ctx.exitCode = ExitCode.learnForbidden;
        return;
      }
      const v = r.verifyRun;
      say(`verify run: ${r.verified ? 'PASS' : 'FAIL'}${v ? ` (${v.stillRunning ? 'still running at the end' : exitText(v.exitCode)}${v.probeOk === undefined ? '' : `, probe ${v.probeOk ? 'passed' : 'failed'}`})` : ''}`);
      say(`time: ${(r.learnMs / 1000).toFixed(1)} s; ${r.written ? `written: ${flags.output}` : 'not written (use --force to write it anyway)'}`);
      ctx.exitCode = r.verified ? ExitCode.ok : ExitCode.learnVerifyFailed;
    });
}
