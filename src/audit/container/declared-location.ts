import type { Location } from '../model.js';
import type { FindingDraft } from '../rules/rule.js';
import type { ContainerFacts, FactSources, UnknownFact } from './facts.js';

/**
 * Which facts (ContainerFacts.sources keys) each container rule reads, most specific first, so
 * a finding on a compose service or a pod points at the line of the field behind it. A rule
 * never learns where its facts came from; this table is the one place that knows. A finding
 * whose field is absent from the file (no memory limit) points at the service or container.
 */
const FACT_KEYS_OF_RULE: Readonly<Record<string, (d: FindingDraft) => string[]>> = {
  CT001: () => ['privileged'],
  CT002: (d) => [`capAdd:${d.key}`, 'capAdd'],
  CT003: () => ['capDrop'],
  CT004: (d) => [`mounts:${d.location?.path}`, `mounts:${d.key}`],
  CT005: (d) => [`mounts:${d.location?.path}`, `mounts:${d.key}`],
  CT006: () => ['namespaces.pid'],
  CT007: () => ['namespaces.network'],
  CT008: () => ['namespaces.ipc'],
  CT009: () => ['namespaces.uts'],
  CT010: () => ['namespaces.userns'],
  CT011: () => ['namespaces.cgroupns'],
  CT012: (d) => [`devices:${d.key}`, 'deviceCgroupRules'],
  CT013: () => ['resources.memory'],
  CT014: () => ['resources.nanoCpus'],
  CT015: () => ['resources.pidsLimit'],
  CT016: () => ['securityOpt:seccomp', 'securityOpt'],
  CT017: () => ['securityOpt:apparmor', 'securityOpt'],
  CT018: () => ['securityOpt:no-new-privileges', 'securityOpt'],
  CT019: () => ['user'],
  CT020: () => ['readOnlyRootfs'],
  CT021: () => ['restart'],
  CT022: (d) => [`ports:${d.key}`],
  CT023: (d) => [`mounts:${d.location?.path}`],
  CT024: (d) => [`env:${d.key}`],
  CT025: () => [],
  CT026: () => [],
  CT027: () => ['labels'],
  CT028: () => ['labels'],
  CT029: () => ['healthcheck'],
  CT030: () => ['namespaces.network'],
  CT031: (d) => [`ports:${d.key}`],
  // processes: only a running container has them
  CT032: () => [],
  CT033: () => ['procPaths'],
  CT034: (d) => [`sysctls:${d.key}`, 'sysctls'],
  CT035: () => ['publishAllPorts'],
};

/** Rules that say nothing when their fact is unknown: they did not pass, they could not run. */
const RULES_OF_UNKNOWN: Readonly<Record<UnknownFact, string[]>> = { user: ['CT019'], engine: [], healthcheck: ['CT029'], pidsLimit: ['CT015'], restart: ['CT021'] };

/** Rule ids that really ran on declared facts, for TargetResult.evaluated (a listed rule without a finding passed). */
export function evaluatedOn(facts: ContainerFacts, ruleIds: readonly string[]): string[] {
  const skipped = new Set((facts.unknown ?? []).flatMap((u) => RULES_OF_UNKNOWN[u]));
  if (!facts.processes.known) skipped.add('CT032');
  // no file scan and no recorded plan for a declaration
  if (!facts.files) for (const id of ['CT025', 'CT026']) skipped.add(id);
  if (!facts.recordedPlan) for (const id of ['CT027', 'CT028']) skipped.add(id);
  return ruleIds.filter((id) => !skipped.has(id));
}

export function ruleHasFactKeys(ruleId: string): boolean {
  return Object.hasOwn(FACT_KEYS_OF_RULE, ruleId);
}

/** The file:line:column for a draft of a rule over declared facts (undefined: keep the rule's own). */
export function declaredLocation(sources: FactSources | undefined, ruleId: string, draft: FindingDraft): Location | undefined {
  if (!sources) return undefined;
  const keys = [...(FACT_KEYS_OF_RULE[ruleId]?.(draft) ?? []), 'self'];
  for (const k of keys) {
    const s = sources[k];
    if (s) return { path: s.path, line: s.line, column: s.column };
  }
  return undefined;
}
