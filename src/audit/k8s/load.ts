import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { InputError, MAX_YAML_BYTES, asMap, asSeq, asString, field, parseYamlDocuments, type YLoc, type YMap, type YValue } from '../yaml/located.js';
import { readPodSpec, type Located, type PodFacts } from './pod.js';

/** Where each workload kind keeps its pod spec (and the pod template's metadata). */
export const POD_SPEC_PATHS: Readonly<Record<string, string[]>> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** Built-in kinds without a pod spec: read and skipped. A kind in a built-in group that is in neither list is a typo. */
const KINDS_WITHOUT_PODS = new Set([
  'Service', 'ConfigMap', 'Secret', 'ServiceAccount', 'Namespace', 'PersistentVolume', 'PersistentVolumeClaim', 'Endpoints',
  'EndpointSlice', 'Ingress', 'IngressClass', 'NetworkPolicy', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
  'LimitRange', 'ResourceQuota', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'StorageClass', 'PriorityClass',
  'CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding', 'Lease', 'Event', 'ControllerRevision', 'CSIDriver', 'RuntimeClass', 'APIService',
]);
const BUILT_IN_GROUPS = /^(v1|(apps|batch|policy|autoscaling|networking\.k8s\.io|rbac\.authorization\.k8s\.io|storage\.k8s\.io|scheduling\.k8s\.io|coordination\.k8s\.io|node\.k8s\.io|admissionregistration\.k8s\.io|apiextensions\.k8s\.io|discovery\.k8s\.io|events\.k8s\.io|apiregistration\.k8s\.io)\/v[0-9a-z]+)$/;

export interface K8sInputs {
  workloads: PodFacts[];
  /** problems with a file or a document; the others are still audited */
  errors: InputError[];
  /** ServiceAccounts among the inputs, by namespace/name */
  serviceAccounts: Map<string, Located<boolean> | undefined>;
  documents: number;
}

const MANIFEST = /\.(ya?ml|json)$/i;

/** DIR: every .yaml/.yml/.json below it (.git and node_modules skipped), sorted. */
function filesIn(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesIn(p));
    else if (e.isFile() && MANIFEST.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** Thrown for a document that is not a Kubernetes object: an error for a file named, skipped in a directory search. */
class NotKubernetes extends InputError {}

function walk(doc: YValue, shown: string, into: K8sInputs, depth = 0): void {
  if (doc.kind !== 'map') throw new NotKubernetes(doc.loc, 'not a Kubernetes object (not a mapping)');
  const root = doc;
  const kind = asString(field(root, 'kind'), 'kind');
  const apiVersion = asString(field(root, 'apiVersion'), 'apiVersion');
  if (!kind || !apiVersion) throw new NotKubernetes(root.loc, 'not a Kubernetes object (no apiVersion/kind)');
  if (kind === 'List' || kind.endsWith('List')) {
    if (depth > 2) throw new InputError(root.loc, 'List nested too deep');
    for (const item of asSeq(field(root, 'items'), `${kind}.items`)?.items ?? []) walk(item, shown, into, depth + 1);
    return;
  }
  const meta = asMap(field(root, 'metadata'), 'metadata');
  const name = asString(field(meta, 'name'), 'metadata.name') ?? asString(field(meta, 'generateName'), 'metadata.generateName') ?? '(unnamed)';
  const namespace = asString(field(meta, 'namespace'), 'metadata.namespace') ?? 'default';
  if (kind === 'ServiceAccount') {
    const v = field(root, 'automountServiceAccountToken');
    into.serviceAccounts.set(`${namespace}/${name}`, v?.kind === 'scalar' && typeof v.value === 'boolean' ? { value: v.value, loc: { path: v.loc.file, line: v.loc.line, column: v.loc.column } } : undefined);
  }
  const path = POD_SPEC_PATHS[kind];
  if (!path) {
    if (BUILT_IN_GROUPS.test(apiVersion) && !KINDS_WITHOUT_PODS.has(kind)) throw new InputError(root.entries.get('kind')!.value.loc, `unknown kind ${kind} in ${apiVersion}`);
    return;
  }
  let node: YMap | undefined = root;
  let templateMeta: YMap | undefined = kind === 'Pod' ? meta : undefined;
  for (const [i, key] of path.entries()) {
    const next = asMap(field(node, key), path.slice(0, i + 1).join('.'));
    if (!next) throw new InputError(node!.loc, `${kind} ${name}: ${path.slice(0, i + 1).join('.')} is missing`);
    if (key === 'template') templateMeta = asMap(field(next, 'metadata'), `${path.slice(0, i + 1).join('.')}.metadata`);
    node = next;
  }
  const loc: YLoc = root.loc;
  into.workloads.push(readPodSpec(node!, path.join('.'), { kind, name, namespace, file: shown, loc: { path: loc.file, line: loc.line, column: loc.column } }, templateMeta));
}

/** Reads manifests: files, directories and `-` (stdin text given). Errors are collected per file or document. */
export function loadManifests(inputs: readonly string[], opts: { cwd: string; stdin?: string }): K8sInputs {
  const into: K8sInputs = { workloads: [], errors: [], serviceAccounts: new Map(), documents: 0 };
  // found by searching a directory: other YAML (CI configs, compose files) is not ours to report
  const sources: Array<{ shown: string; text: () => string; discovered?: boolean }> = [];
  for (const input of inputs.length ? inputs : ['.']) {
    if (input === '-') {
      sources.push({ shown: '-', text: () => opts.stdin ?? '' });
      continue;
    }
    const abs = join(input.startsWith('/') ? '' : opts.cwd, input);
    let st;
    try {
      st = statSync(abs);
    } catch (e) {
      into.errors.push(new InputError({ file: input }, `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`));
      continue;
    }
    const files = st.isDirectory() ? filesIn(abs) : [abs];
    for (const f of files) {
      const shown = relative(opts.cwd, f) || f;
      sources.push({
        shown,
        discovered: st.isDirectory(),
        text: () => {
          if (statSync(f).size > MAX_YAML_BYTES) throw new InputError({ file: shown }, `file is over ${MAX_YAML_BYTES / 1024 / 1024} MiB`);
          const bytes = readFileSync(f);
          if (bytes.includes(0)) throw new InputError({ file: shown }, 'not a text file');
          return bytes.toString('utf8');
        },
      });
    }
  }
  for (const s of sources) {
    let docs: YValue[];
    try {
      docs = parseYamlDocuments(s.text(), s.shown);
    } catch (e) {
      if (e instanceof InputError) into.errors.push(e);
      else throw e;
      continue;
    }
    for (const d of docs) {
      into.documents += 1;
      try {
        walk(d, s.shown, into);
      } catch (e) {
        if (e instanceof NotKubernetes && s.discovered) continue;
        if (e instanceof InputError) into.errors.push(e);
        else throw e;
      }
    }
  }
  for (const w of into.workloads) {
    const sa = into.serviceAccounts.get(`${w.workload.namespace}/${w.serviceAccountName}`);
    if (sa) w.serviceAccountAutomount = sa;
  }
  return into;
}
