import { Option, type Command } from 'commander';
import type { CliContext } from '../main.js';
import type { RunFlags } from '../../runtime/request.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export const RUN_HELP = `
Examples:
  bulkhead run --policy untrusted alpine:3 -- sh -c 'id; cat /proc/self/status'
  bulkhead run --rm -v ./data:/data alpine:3 -- ls /data        (read-only mount)
  bulkhead run --policy service -p 8080:80 -d --name web nginx:1
  bulkhead run --policy ./my-policy.yaml --memory 64m --dry-run app:1
  bulkhead run --dry-run --format json alpine:3                 (plan + docker run argv)
  bulkhead run -it --policy untrusted alpine:3 -- sh             (a locked-down shell)
  tar c src | bulkhead run -i --rm alpine:3 -- tar t            (stdin from a pipe)

Flags may tighten the policy (--memory lower, --pids-limit lower, --read-only,
--network none, a capability from the policy's allowlist); loosening it is refused.
Bind mounts are read-only unless written SRC:DST:rw and the policy allows it.
Put the command after "--" when it has options of its own.

Exit codes:
  N    the container's own exit code
  118  the image gate refused the image
  117  the image could not be pulled (registry down, unknown image or tag, denied)
  119  the image is not in the engine (with --pull never)
  120  the Docker engine could not be reached
  121  the policy is invalid
  122  refused by policy (mount, --privileged, host namespace, root, capability, ...)
  123  bad usage
  125  bulkhead or the engine failed before the container ran
  126  the command cannot be invoked (docker run's 126)
  127  the command was not found (docker run's 127)`;

interface RunCommandFlags extends RunFlags {
  policy?: string;
  dryRun?: boolean;
  format: string;
}

export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('Run an image in a container locked down by a policy (like docker run, hardened)')
    .argument('<image>', 'image reference (pulled when missing, see --pull)')
    .argument('[command...]', 'command and arguments (after --)')
    .option('--policy <name|file>', 'built-in policy (untrusted, default, service) or a YAML file', undefined)
    .option('-d, --detach', 'run in the background and print the container id')
    .option('-i, --interactive', 'keep stdin open and stream this terminal\'s (or pipe\'s) input into the container')
    .option('-t, --tty', 'allocate a pseudo-TTY (with -i: a terminal session; needs a terminal on stdin)')
    .option('--rm', 'remove the container when it exits (no restarts then)')
    .option('--name <name>', 'container name')
    .option('-e, --env <KEY=VALUE>', 'set an environment variable (KEY alone: take it from this environment); repeatable', collect)
    .option('-v, --volume <SRC:DST[:ro|rw]>', 'bind mount (read-only by default) or named volume; repeatable', collect)
    .option('--mount <spec>', 'type=bind|volume,source=..,target=..[,readonly=false]; repeatable', collect)
    .option('-p, --publish <[IP:]HOST:CONTAINER[/proto]>', 'publish a port (only where the policy allows networking); repeatable', collect)
    .option('-l, --label <KEY=VALUE>', 'add a label; repeatable', collect)
    .option('--network <mode>', 'none, or bridge where the policy allows it')
    .option('--memory <size>', 'memory limit, at most the policy\'s (e.g. 128m)')
    .option('--cpus <n>', 'CPU limit, at most the policy\'s (e.g. 0.25)')
    .option('--pids-limit <n>', 'process limit, at most the policy\'s')
    .option('--cap-add <cap>', 'add a capability from the policy\'s allowlist; repeatable', collect)
    .option('--user <user[:group]>', 'run as this non-root user')
    .option('--read-only', 'read-only root filesystem (already on in the built-in policies)')
    .option('--tmpfs <PATH[:size=..,mode=..]>', 'a writable tmpfs, noexec,nosuid,nodev, owned by the run\'s user (64m unless size=); repeatable', collect)
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('--entrypoint <cmd>', 'override the image\'s entrypoint ("" clears it)')
    .option('--env-file <file>', 'read KEY=VALUE lines (docker\'s format); -e overrides them; repeatable', collect)
    .option('--init', 'run an init (the engine\'s docker-init) as PID 1 that reaps zombies and forwards signals')
    .option('--stop-timeout <seconds>', 'seconds between SIGTERM and SIGKILL when the container is stopped')
    .option('--hostname <name>', 'the container\'s host name (its UTS namespace stays private)')
    .option('--health-cmd <cmd>', 'a health check run with /bin/sh -c inside the container')
    .option('--health-interval <duration>', 'time between health checks (e.g. 30s)')
    .option('--cidfile <file>', 'write the container id to this file (refused when it exists)')
    .option('--platform <os/arch>', 'the platform the image must be for (e.g. linux/amd64)')
    .option('--pull <when>', 'pull the image: missing (default), always, never; then the gate audits the pulled image id')
    .option('--privileged', 'always refused: listed so the refusal says why')
    .option('--pid <mode>', 'only private (host is refused)')
    .option('--ipc <mode>', 'only private (host is refused)')
    .option('--uts <mode>', 'only private (host is refused)')
    .option('--userns <mode>', 'only private (host is refused)')
    .option('--no-gate', 'skip the audit-then-run image gate, where the policy allows it')
    .option('--dry-run', 'print the plan and the equivalent docker run, touch nothing')
    .addOption(new Option('--format <format>', 'format of --dry-run output').choices(['table', 'json']).default('table'))
    .addHelpText('after', RUN_HELP)
    .action(async (image: string, command: string[], flags: RunCommandFlags) => {
      // loaded here, not at the top, so other commands (and --help) never pay for them
      const [{ buildRunRequest }, { defaultPolicyServices, defaultImageGate }, { connectEngine }, { toolVersion }, runtime, { fileGateCache }] = await Promise.all([
        import('../../runtime/request.js'),
        import('../../runtime/services.js'),
        import('../../engine/dockerode-client.js'),
        import('../../version.js'),
        import('../../runtime/run.js'),
        import('../../runtime/gate-cache.js'),
      ]);
      // a run reaches the engine (DOCKER_HOST, else the usual sockets) before loading the policy,
      // so the round trips overlap with that work; a refusal below still comes before any create
      const defaultEngineUrl = ctx.io.env.DOCKER_HOST || undefined;
      const early = flags.dryRun ? undefined : connectEngine(defaultEngineUrl);
      early?.catch(() => undefined);
      // one turn of the event loop: the version ping is written now, not after the policy work
      if (early) await new Promise((resolve) => setImmediate(resolve));
      const cwd = process.cwd();
      const request = buildRunRequest(image, command, flags, { cwd, env: ctx.io.env });
      const [policy, imageGate] = await Promise.all([defaultPolicyServices(), defaultImageGate()]);
      const deps = {
        policy,
        connectEngine: (url?: string) => (early && url === defaultEngineUrl ? early : connectEngine(url)),
        toolVersion: toolVersion(),
        gateCache: fileGateCache(ctx.io.env),
        ...(imageGate ? { imageGate } : {}),
      };
      const settings = { cwd, ...(flags.policy !== undefined ? { policy: flags.policy } : {}) };
      if (flags.dryRun) {
        const { dryRunOutput, renderDryRun, writeSeccompFile } = await import('../../runtime/dry-run.js');
        const prepared = await runtime.prepareRun(request, settings, deps, { load: false });
        const options = runtime.createOptionsFor(prepared, undefined, deps.toolVersion);
        const out = dryRunOutput(prepared, options, writeSeccompFile(prepared));
        ctx.io.stdout.write(renderDryRun(out, flags.format === 'json' ? 'json' : 'table'));
        ctx.exitCode = 0;
        return;
      }
      // stdin only with -i: process.stdin is created on first access (~2 ms of stream modules)
      const stdin = request.interactive ? { stdin: ctx.io.stdin } : {};
      ctx.exitCode = await runtime.runContainer(request, settings, { stdout: ctx.io.stdout, stderr: ctx.io.stderr, ...stdin, env: ctx.io.env }, deps);
    });
}
