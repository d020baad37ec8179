import { Option, type Command } from 'commander';
import { BulkheadError } from '../../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliContext } from '../main.js';

export const DEFAULT_SOCKET = '/run/docker/plugins/bulkhead.sock';
export const DEFAULT_LOG = '/var/log/bulkhead/authz.log';

interface ServeOptions {
  policy: string;
  socket: string;
  mode: 'enforce' | 'audit';
  log: string;
  logMaxSize: string;
  logKeep: string;
  warmUp: string;
}

export function registerAuthz(program: Command, ctx: CliContext): void {
  const authz = program
    .command('authz')
    .description('a Docker authorization plugin that holds every container on the host to a policy')
    .addHelpText('after', '\nSee docs/authz.md: what it protects against, install, exemptions, fail-closed behaviour, the log.');

  authz
    .command('serve')
    .description('serve the AuthZ plugin protocol on a unix socket (dockerd --authorization-plugin=bulkhead)')
    .requiredOption('--policy <name|file>', 'policy whose rules every container must meet (built-in name or YAML file)')
    .option('--socket <path>', 'unix socket to listen on (created mode 0600)', DEFAULT_SOCKET)
    .addOption(new Option('--mode <mode>', 'enforce: deny what the policy denies; audit: allow everything, log what enforce would deny').choices(['enforce', 'audit']).default('enforce'))
    .option('--log <file>', 'decision log, one JSON line per request ("-" for stdout)', DEFAULT_LOG)
    .option('--log-max-size <size>', 'rotate the log at this size', '10m')
    .option('--log-keep <n>', 'rotated logs to keep', '5')
    .option('--warm-up <requests>', 'sample requests sent at start through a private instance of the server, so that dockerd\'s run optimised code (0: none)', '4000')
    .addHelpText(
      'after',
      `
Exit codes:
  0  stopped by SIGTERM or SIGINT
  2  bad usage, invalid policy, or the socket cannot be served`,
    )
    .action(async (opts: ServeOptions) => {
      const [{ loadPolicy }, { startAuthzServer }, { warmUp }, { PRIVILEGED_SAMPLE }, { DecisionLog }, { hostConfinement }, { parseSize }, { mkdirSync }, { dirname }] = await Promise.all([
        import('../../policy/load.js'),
        import('../../authz/server.js'),
        import('../../authz/warm-up.js'),
        import('../../authz/data/warm-up-requests.js'),
        import('../../authz/decision-log.js'),
        import('../../authz/host-confinement.js'),
        import('../../policy/units.js'),
        import('node:fs'),
        import('node:path'),
      ]);
      const loaded = await loadPolicy(opts.policy);
      if (!/^[0-9]+[kmg]?$/.test(opts.logMaxSize)) throw new BulkheadError('usage', `--log-max-size ${opts.logMaxSize}: expected a size like 10m`);
      if (!/^[0-9]{1,7}$/.test(opts.warmUp)) throw new BulkheadError('usage', `--warm-up ${opts.warmUp}: expected a number of requests (0 for none)`);
      const keep = Number(opts.logKeep);
      if (!Number.isInteger(keep) || keep < 0 || keep > 100) throw new BulkheadError('usage', `--log-keep ${opts.logKeep}: expected 0..100`);
      const logPath = opts.log === '-' ? undefined : opts.log;
      if (logPath) {
        try {
          mkdirSync(dirname(logPath), { recursive: true, mode: 0o700 });
        } catch (err) {
          throw new BulkheadError('usage', `--log ${logPath}: cannot create its directory (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
      const log = new DecisionLog(logPath, /^[0-9]+$/.test(opts.logMaxSize) ? Number(opts.logMaxSize) : parseSize(opts.logMaxSize), keep, ctx.io.stdout);
      const engine = hostConfinement();
      mkdirSync(dirname(opts.socket), { recursive: true });
      const context = () => ({ policy: loaded, engine, now: new Date() });
      const server = await startAuthzServer({ socket: opts.socket, mode: opts.mode, log, context });
      ctx.io.stderr.write(`bulkhead authz: serving policy ${loaded.name} (${opts.mode}) on ${opts.socket}; log ${logPath ?? 'stdout'}\n`);
      const stopWarmUp = new AbortController();
      if (Number(opts.warmUp) > 0) {
        // a warm-up that fails costs speed, never a decision: say so and go on serving
        warmUp({ mode: 'enforce', context }, Number(opts.warmUp), stopWarmUp.signal).then(
          (w) => {
            if (stopWarmUp.signal.aborted) return;
            const allowsPrivileged = w.answers[PRIVILEGED_SAMPLE]?.Allow ? '; note: this policy ALLOWS a privileged create that mounts the engine socket' : '';
            ctx.io.stderr.write(`bulkhead authz: warmed up (${w.decisions} sample requests in ${Math.round(w.ms)} ms)${allowsPrivileged}\n`);
          },
          (err: unknown) => ctx.io.stderr.write(`bulkhead authz: warm-up failed (${err instanceof Error ? err.message : String(err)}); serving without it\n`),
        );
      }
      await new Promise<void>((resolve) => {
        const stop = () => {
          stopWarmUp.abort();
          process.off('SIGTERM', stop);
          process.off('SIGINT', stop);
          server.close(() => resolve());
          // dockerd holds keep-alive connections: do not wait on them
          server.closeAllConnections();
        };
        process.on('SIGTERM', stop);
        process.on('SIGINT', stop);
      });
      await log.close();
      ctx.exitCode = ExitCode.ok;
    });

  authz
    .command('install')
    .description('write the systemd unit (Restart=on-failure) and plugin spec, and say what to add to daemon.json')
    .requiredOption('--policy <name|file>', 'policy the plugin enforces (checked now)')
    .option('--socket <path>', 'socket the plugin listens on', DEFAULT_SOCKET)
    .addOption(new Option('--mode <mode>', 'enforce or audit (start with audit)').choices(['enforce', 'audit']).default('enforce'))
    .option('--log <file>', 'decision log', DEFAULT_LOG)
    .option('--edit-daemon-json', 'add "authorization-plugins": ["bulkhead"] to /etc/docker/daemon.json instead of printing it')
    .option('--root <dir>', 'write under this directory instead of / (for packaging and tests)', '/')
    .action(async (opts: { policy: string; socket: string; mode: 'enforce' | 'audit'; log: string; editDaemonJson?: boolean; root: string }) => {
      const [{ loadPolicy }, { install, SERVE_NODE_FLAGS }] = await Promise.all([import('../../policy/load.js'), import('../../authz/install.js')]);
      // an invalid policy would make the service fail at every start: refuse it here
      const loaded = await loadPolicy(opts.policy);
      // a built-in by name; a file by its absolute path, since systemd starts the service in /
      const policy = /^[a-z0-9][a-z0-9._-]*$/.test(opts.policy) && !/\.ya?ml$/.test(opts.policy) ? opts.policy : loaded.source;
      const lines = install({ ...opts, policy, editDaemonJson: opts.editDaemonJson === true, command: [process.execPath, ...SERVE_NODE_FLAGS, process.argv[1] ?? 'bulkhead'] });
      ctx.io.stdout.write(`${lines.join('\n')}\n`);
      ctx.exitCode = ExitCode.ok;
    });

  authz
    .command('uninstall')
    .description('remove the unit and spec file install wrote, and say how to take the plugin out of dockerd first')
    .option('--edit-daemon-json', 'remove "bulkhead" from authorization-plugins in /etc/docker/daemon.json')
    .option('--root <dir>', 'remove under this directory instead of /', '/')
    .action(async (opts: { editDaemonJson?: boolean; root: string }) => {
      const { uninstall } = await import('../../authz/install.js');
      ctx.io.stdout.write(`${uninstall({ root: opts.root, editDaemonJson: opts.editDaemonJson === true }).join('\n')}\n`);
      ctx.exitCode = ExitCode.ok;
    });
}
