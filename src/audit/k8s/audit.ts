import type { Finding, TargetResult } from '../model.js';
import { runRules } from '../container/run-rules.js';
import { declaredLocation, evaluatedOn } from '../container/declared-location.js';
import { containerRules } from '../rules/container/index.js';
import { kubernetesRules } from '../rules/kubernetes/index.js';
import { InputError } from '../yaml/located.js';
import { fromPodSpec } from './facts.js';
import { loadManifests } from './load.js';
import type { PssLevel } from './pss-controls.js';

export interface AuditK8sOptions {
  cwd: string;
  stdin?: string;
  pss?: PssLevel;
}

function errorTarget(e: InputError): TargetResult {
  const w = e.where;
  return {
    kind: 'kubernetes',
    name: w.file,
    findings: [],
    errors: [{ message: e.detail, location: { path: w.file, ...(w.line ? { line: w.line } : {}), ...(w.column ? { column: w.column } : {}) } }],
  };
}

/**
 * A container rule whose finding a Kubernetes rule already makes, more precisely, about the same
 * field: where both fire on the same line, only the Kubernetes one is reported (one setting, one
 * finding). CT018 still reports an unset allowPrivilegeEscalation, and CT022 a port KS006 does not see.
 */
const SUPERSEDED_BY: Readonly<Record<string, string>> = {
  // allowPrivilegeEscalation: true
  CT018: 'KS003',
  // a hostPort without hostIP binds every interface
  CT022: 'KS006',
};

const lineOf = (f: Finding): string | undefined => (f.location?.line !== undefined ? `${f.location.path}:${f.location.line}` : undefined);

function withoutSuperseded(findings: Finding[]): Finding[] {
  const lines = new Set(findings.map((f) => `${f.ruleId}@${lineOf(f)}`));
  return findings.filter((f) => {
    const by = SUPERSEDED_BY[f.ruleId];
    return by === undefined || lineOf(f) === undefined || !lines.has(`${by}@${lineOf(f)}`);
  });
}

/**
 * `bulkhead audit k8s`: one target per workload (`file#Kind/namespace/name`), with the
 * Kubernetes rules over its pod spec and the container rules over each of its containers
 * (init and ephemeral ones too). Unreadable files and documents are targets with an error.
 */
export function auditManifests(inputs: readonly string[], opts: AuditK8sOptions): TargetResult[] {
  const loaded = loadManifests(inputs, { cwd: opts.cwd, ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}) });
  const targets: TargetResult[] = loaded.errors.map(errorTarget);
  for (const pod of loaded.workloads) {
    const w = pod.workload;
    const name = `${w.file}#${w.kind}/${w.namespace}/${w.name}`;
    try {
      const findings: Finding[] = runRules(kubernetesRules, { ...pod, ...(opts.pss ? { pss: opts.pss } : {}) }, { kind: 'kubernetes', name });
      const evaluated = new Set(kubernetesRules.map((r) => r.meta.id).filter((id) => id !== 'KS009' || opts.pss !== undefined));
      for (const c of pod.containers) {
        const facts = fromPodSpec(pod, c);
        for (const id of evaluatedOn(facts, containerRules.map((r) => r.meta.id))) evaluated.add(id);
        // the container's name is part of each finding's identity: two containers, two findings
        findings.push(...runRules(containerRules, facts, { kind: 'kubernetes', name: `${name}/${c.name}` }, (id, d) => declaredLocation(facts.sources, id, d)));
      }
      targets.push({ kind: 'kubernetes', name, findings: withoutSuperseded(findings), errors: [], evaluated: [...evaluated].sort(), properties: { kind: w.kind, namespace: w.namespace, workload: w.name, containers: pod.containers.length } });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      targets.push(errorTarget(e));
    }
  }
  return targets;
}
