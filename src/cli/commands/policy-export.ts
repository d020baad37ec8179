import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import { BulkheadError } from '../../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CliContext } from '../main.js';

interface ExportOptions {
  to: 'compose' | 'kubernetes';
  policy: string;
  service: string[];
  merged?: boolean;
  patch?: string;
  output?: string;
  seccompOut?: string;
  image: string;
  namespace?: string;
  profile: string[];
  envFile?: string;
}

const HELP = `
--to compose FILE...   writes an override file for \`docker-compose -f FILE -f OUT up\`:
                       cap_drop ALL, cap_add, user, read_only, tmpfs, security_opt (no-new-privileges,
                       the generated seccomp profile), mem_limit/memswap_limit, cpus, pids_limit,
                       ulimits, network_mode none where the policy says, restart on-failure:N.
                       Compose appends lists, so an override cannot take away a base file's cap_add,
                       host mounts, sockets (use_api_socket too), devices, sysctls, userns_mode or
                       runtime: each is printed on stderr with its file:line, to remove from the base
                       file. --merged writes one complete hardened file instead.
--to kubernetes        writes a PodTemplate with the pod and container securityContext and
                       resources.limits, and a Security Profiles Operator SeccompProfile; the
                       seccomp profile JSON goes to --seccomp-out (copy it to
                       /var/lib/kubelet/seccomp/bulkhead/ on the nodes, or let the operator do it).
                       --patch FILE applies the same settings to the workloads of FILE instead.

Examples:
  $ bulkhead policy export --to compose --policy service -o compose.bulkhead.yaml compose.yaml
  $ docker-compose -f compose.yaml -f compose.bulkhead.yaml up -d
  $ bulkhead policy export --to kubernetes --policy service -o hardening.yaml
  $ bulkhead policy export --to kubernetes --policy service --patch deploy.yaml -o deploy.hardened.yaml`;

function safeName(policyName: string): string {
  return basename(policyName).replace(/\.ya?ml$/i, '').replace(/[^a-z0-9-]/gi, '-').toLowerCase();
}

function write(path: string | undefined, text: string, ctx: CliContext): void {
  if (path === undefined) {
    ctx.io.stdout.write(text);
    return;
  }
  try {
    writeFileSync(path, text);
  } catch (err) {
    throw new BulkheadError('usage', `${path}: cannot write (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function registerPolicyExport(policy: Command, ctx: CliContext): void {
  policy
    .command('export')
    .description('turn a policy into a compose override (or complete file) or Kubernetes securityContext + seccomp profile')
    .argument('[files...]', 'compose files with --to compose (default: compose.yaml, ... in the current directory)')
    .addOption(new Option('--to <target>', 'what to write').choices(['compose', 'kubernetes']).makeOptionMandatory())
    .option('--policy <name|file>', 'built-in policy name or YAML file', 'default')
    .option('--service <name>', 'compose: only this service (repeatable; default: every active service)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--profile <name>', 'compose: activate a profile (repeatable)', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--env-file <file>', 'compose: read variables from FILE instead of .env')
    .option('--merged', 'compose: write one complete hardened file instead of an override')
    .option('--patch <file>', 'kubernetes: apply the settings to the workloads of this manifest')
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .option('--seccomp-out <file>', 'where the generated seccomp profile goes (default: bulkhead-<policy>.json beside the output)')
    .option('--image <ref>', 'kubernetes: image of the PodTemplate container', 'IMAGE')
    .option('--namespace <ns>', 'kubernetes: namespace of the SeccompProfile object')
    .addHelpText('after', HELP)
    .action(async (files: string[], opts: ExportOptions) => {
      const { loadPolicy } = await import('../../policy/load.js');
      const { toSeccompProfile } = await import('../../profiles/seccomp.js');
      const loaded = await loadPolicy(opts.policy);
      const plan = loaded.plan;
      const name = `bulkhead-${safeName(loaded.name)}`;
      const profile = plan.seccomp.mode === 'generated' ? toSeccompProfile(plan) : undefined;
      const outDir = opts.output ? dirname(resolve(opts.output)) : process.cwd();
      const seccompPath = resolve(opts.seccompOut ?? join(outDir, `${name}.json`));
      // written only once the export itself worked, so a failed run leaves no stray profile
      const writeProfile = (): void => {
        if (profile) write(seccompPath, `${JSON.stringify(profile, null, 2)}\n`, ctx);
      };

      if (opts.to === 'compose') {
        if (opts.patch) throw new BulkheadError('usage', '--patch is for --to kubernetes');
        const { loadComposeProject } = await import('../../audit/compose/load.js');
        const { toComposeExport } = await import('../../export/compose.js');
        const loadOpts = { cwd: process.cwd(), env: ctx.io.env, profiles: opts.profile, ...(opts.envFile ? { envFile: opts.envFile } : {}) };
        const project = loadComposeProject(files, loadOpts);
        const rawProject = opts.merged ? loadComposeProject(files, { ...loadOpts, interpolate: false }) : undefined;
        // docker-compose v1 opens the seccomp file relative to its own cwd: an absolute path works from anywhere
        const out = toComposeExport(plan, project, { services: opts.service, ...(profile ? { seccompFile: seccompPath } : {}), merged: opts.merged === true, ...(rawProject ? { rawProject } : {}) });
        writeProfile();
        const header = `# generated by bulkhead policy export --to compose --policy ${loaded.name}${opts.merged ? ' --merged' : ''}\n# services: ${out.services.join(', ')}\n`;
        write(opts.output, header + stringify(out.document, { lineWidth: 0 }), ctx);
        for (const b of out.baseSettings) ctx.io.stderr.write(`bulkhead: ${b.loc.file}:${b.loc.line}: service ${b.service}: ${b.message}\n`);
        if (out.baseSettings.length) ctx.io.stderr.write(`bulkhead: ${out.baseSettings.length} base-file setting(s) an override cannot take away (or use --merged)\n`);
        ctx.exitCode = ExitCode.ok;
        return;
      }

      if (files.length) throw new BulkheadError('usage', 'compose files are for --to compose (use --patch FILE for manifests)');
      const { toKubernetesSecurity, toSeccompProfileObject, podTemplateObject, patchManifests } = await import('../../export/kubernetes.js');
      const sec = toKubernetesSecurity(plan, { profileName: name, ...(opts.namespace ? { localhostProfile: `operator/${opts.namespace}/${name}.json` } : {}) });
      if (opts.patch) {
        let text: string;
        try {
          text = readFileSync(opts.patch, 'utf8');
        } catch (e) {
          throw new BulkheadError('invalid-input', `${opts.patch}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
        }
        const r = patchManifests(text, opts.patch, sec);
        if (!r.patched.length) throw new BulkheadError('invalid-input', `${opts.patch}: no workload (Pod, Deployment, ...) to patch`);
        writeProfile();
        write(opts.output, r.text, ctx);
        ctx.io.stderr.write(`bulkhead: patched ${r.patched.join(', ')}\n`);
      } else {
        writeProfile();
        const docs = [podTemplateObject(sec, name, opts.image), ...(profile ? [toSeccompProfileObject(profile, name, opts.namespace)] : [])];
        const header = `# generated by bulkhead policy export --to kubernetes --policy ${loaded.name}\n`;
        write(opts.output, header + docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'), ctx);
      }
      if (profile) ctx.io.stderr.write(`bulkhead: seccomp profile written to ${seccompPath}${opts.namespace ? '' : ` (nodes: /var/lib/kubelet/seccomp/bulkhead/${name}.json)`}\n`);
      for (const n of sec.notCarried) ctx.io.stderr.write(`bulkhead: not carried: ${n}\n`);
      ctx.exitCode = ExitCode.ok;
    });
}
