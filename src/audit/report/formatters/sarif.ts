import type { Formatter } from './index.js';
import { isFileTarget, type Finding, type Report, type RuleMeta, type Severity, type TargetResult } from '../../model.js';

export type SarifLevel = 'error' | 'warning' | 'note';

/** The one mapping from our severities to SARIF levels (github annotations reuse it). */
export function sarifLevel(severity: Severity): SarifLevel {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
    case 'info':
      return 'note';
  }
}

/**
 * GitHub code scanning reads `security-severity` (a CVSS-like score) to rank security alerts:
 * >= 9 critical, 7-8.9 high, 4-6.9 medium, 0.1-3.9 low. Info findings carry none.
 */
export function securitySeverity(severity: Severity): string | undefined {
  return { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: undefined }[severity];
}

function ruleHelpMarkdown(r: RuleMeta): string {
  const lines = [`**${r.id} ${r.title}** (${r.severity})`, '', r.rationale, '', `**Fix:** ${r.fix}`];
  if (r.cis?.length) lines.push('', `CIS Docker Benchmark: ${r.cis.join(', ')}`);
  if (r.references?.length) lines.push('', ...r.references.map((u) => `- ${u}`));
  return lines.join('\n');
}

function ruleDescriptor(r: RuleMeta) {
  const sec = securitySeverity(r.severity);
  return {
    id: r.id,
    name: r.slug,
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    help: { text: `${r.rationale}\n\nFix: ${r.fix}`, markdown: ruleHelpMarkdown(r) },
    defaultConfiguration: { level: sarifLevel(r.severity) },
    properties: {
      tags: ['security', r.target, ...(r.cis ?? []).map((c) => `CIS-${c}`)],
      ...(sec === undefined ? {} : { 'security-severity': sec }),
    },
  };
}

/** Artifact URIs are relative, forward-slash paths for files; image/container paths hang under the target name. */
function artifactUri(t: TargetResult, f: Finding): string {
  if (isFileTarget(t.kind)) return encodeURI((f.location?.path ?? t.name).replaceAll('\\', '/').replace(/^\.\//, ''));
  const inner = f.location?.path?.replace(/^\/+/, '');
  return encodeURI(inner ? `${t.name}/${inner}` : t.name);
}

function location(t: TargetResult, f: Finding) {
  const loc = f.location;
  const region =
    loc?.line !== undefined
      ? { startLine: loc.line, ...(loc.endLine !== undefined ? { endLine: loc.endLine } : {}), ...(loc.column !== undefined ? { startColumn: loc.column } : {}) }
      : undefined;
  const logical: Array<{ name: string; kind: string; fullyQualifiedName?: string }> = [];
  if (t.kind !== 'dockerfile') logical.push({ name: t.name, kind: t.kind === 'image' ? 'module' : 'object', fullyQualifiedName: `${t.kind}:${t.name}` });
  if (loc?.stage) logical.push({ name: loc.stage, kind: 'namespace', fullyQualifiedName: `stage:${loc.stage}` });
  if (loc?.layer) logical.push({ name: `layer ${loc.layer.index}`, kind: 'module', fullyQualifiedName: loc.layer.digest });
  return {
    physicalLocation: { artifactLocation: { uri: artifactUri(t, f) }, ...(region ? { region } : {}) },
    ...(logical.length ? { logicalLocations: logical } : {}),
  };
}

/** SARIF 2.1.0: one run, rule descriptors from RuleMeta, one result per finding. */
export const formatSarif: Formatter = (report: Report) => {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const results = report.targets.flatMap((t) =>
    t.findings.map((f) => {
      const index = ruleIndex.get(f.ruleId);
      return {
        ruleId: f.ruleId,
        ...(index === undefined ? {} : { ruleIndex: index }),
        level: sarifLevel(f.severity),
        message: { text: f.message },
        locations: [location(t, f)],
        partialFingerprints: { 'bulkhead/v1': f.fingerprint },
        ...(f.baseline ? { baselineState: f.baseline } : {}),
        properties: {
          severity: f.severity,
          target: `${t.kind}:${t.name}`,
          ...(f.evidence ? { evidence: f.evidence } : {}),
        },
      };
    }),
  );
  const notifications = report.targets.flatMap((t) =>
    t.errors.map((e) => ({
      level: 'error' as const,
      message: { text: `${t.name}: ${e.message}` },
      ...(e.location?.path || e.location?.line
        ? { locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(e.location.path ?? t.name) }, ...(e.location.line ? { region: { startLine: e.location.line } } : {}) } }] }
        : {}),
    })),
  );
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bulkhead',
            version: report.tool.version,
            rules: report.rules.map(ruleDescriptor),
          },
        },
        invocations: [{ executionSuccessful: true, endTimeUtc: report.createdAt, commandLine: `bulkhead ${report.command}`, toolExecutionNotifications: notifications }],
        results,
        properties: { command: report.command, schemaVersion: report.schemaVersion },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
};
