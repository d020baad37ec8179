import { Option, type Command } from 'commander';
import { auditManifests } from '../../audit/k8s/audit.js';
import type { PssLevel } from '../../audit/k8s/pss-controls.js';
import { buildReport } from '../../audit/report/build.js';
import { ALL_RULES } from '../../audit/rules/registry.js';
import { addCommonAuditOptions, emitReport, readStdinBytes, type CommonAuditOptions } from '../audit-common.js';
import type { CliContext } from '../main.js';

interface AuditK8sOptions extends CommonAuditOptions {
  pss?: PssLevel;
}

const MORE_HELP = `
Inputs:
  FILE     a manifest (multi-document YAML, JSON, kind: List)
  DIR      every .yaml, .yml and .json below it
  -        manifests from stdin (e.g. helm template ... | bulkhead audit k8s -)

Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob and
PodTemplate are audited: the Kubernetes rules (bulkhead rules list --target kubernetes) on the
pod spec, the container rules on every container, init and ephemeral ones included, with the
pod's securityContext merged under each container's. Other built-in kinds and custom resources
are skipped; a document that is not a Kubernetes object, or an unknown kind of a built-in API
group, is reported with its file:line.

--pss baseline|restricted also reports every field that violates that Pod Security Standard
level (https://kubernetes.io/docs/concepts/security/pod-security-standards/) as KS009.`;

export function registerAuditK8s(audit: Command, ctx: CliContext): void {
  const cmd = audit
    .command('k8s')
    .alias('kubernetes')
    .description('audit Kubernetes manifests: the container rules on every container, hostPath, tokens, sysctls, host ports, runAsNonRoot, Pod Security Standards')
    .argument('[inputs...]', 'manifest files, directories, or - for stdin (default: .)')
    .addOption(new Option('--pss <level>', 'also report every field that violates this Pod Security Standard level').choices(['baseline', 'restricted']));
  addCommonAuditOptions(cmd).addHelpText('after', MORE_HELP);
  cmd.action(async (inputs: string[], opts: AuditK8sOptions) => {
    const stdin = inputs.includes('-') ? (await readStdinBytes(ctx)).toString('utf8') : undefined;
    const targets = auditManifests(inputs, { cwd: process.cwd(), ...(stdin !== undefined ? { stdin } : {}), ...(opts.pss ? { pss: opts.pss } : {}) });
    const report = buildReport(`audit k8s${inputs.length ? ` ${inputs.join(' ')}` : ''}`, targets, ALL_RULES);
    ctx.exitCode = await emitReport(report, opts, ctx);
  });
}
