import { isMap, isSeq, parseAllDocuments, type Document, type YAMLMap } from 'yaml';
import type { HardeningPlan } from '../policy/plan.js';
import type { SeccompProfile } from '../profiles/seccomp.js';
import { POD_SPEC_PATHS } from '../audit/k8s/load.js';
import { BulkheadError } from '../errors.js';

/**
 * A HardeningPlan as Kubernetes settings: the pod securityContext (non-root uid/gid, seccomp),
 * each container's securityContext (no escalation, read-only root, capabilities) and
 * resources.limits, memory-backed emptyDirs for the plan's tmpfs paths, the seccomp profile as a
 * node file, and a Security Profiles Operator SeccompProfile for clusters that distribute it so.
 * What Kubernetes has no pod field for (pids limit, ulimits, network none, restart cap) is listed.
 */
export interface KubernetesSecurity {
  podSecurityContext: Record<string, unknown>;
  containerSecurityContext: Record<string, unknown>;
  limits: Record<string, string>;
  /** memory-backed emptyDir volumes and their mounts, for the plan's tmpfs paths */
  tmpfs: Array<{ volume: Record<string, unknown>; mount: Record<string, unknown> }>;
  /** plan settings a pod spec cannot carry */
  notCarried: string[];
}

export interface KubernetesExportOptions {
  /** the name of the seccomp profile file and the SeccompProfile object */
  profileName: string;
  /** localhostProfile path: relative to the kubelet's seccomp dir (default /var/lib/kubelet/seccomp) */
  localhostProfile?: string;
}

function memoryQuantity(bytes: number): string {
  for (const [unit, f] of [['Gi', 1024 ** 3], ['Mi', 1024 ** 2], ['Ki', 1024]] as const) if (bytes % f === 0) return `${bytes / f}${unit}`;
  return String(bytes);
}

export function toKubernetesSecurity(plan: HardeningPlan, opts: KubernetesExportOptions): KubernetesSecurity {
  const seccompProfile = plan.seccomp.mode === 'generated' ? { type: 'Localhost', localhostProfile: opts.localhostProfile ?? `bulkhead/${opts.profileName}.json` } : { type: 'RuntimeDefault' };
  const podSecurityContext = {
    // the restricted Pod Security Standard requires runAsNonRoot; built-in policies never run as uid 0
    runAsNonRoot: true,
    runAsUser: plan.user.uid === 0 ? 65534 : plan.user.uid,
    runAsGroup: plan.user.gid,
    seccompProfile,
  };
  const containerSecurityContext: Record<string, unknown> = {
    // the restricted level requires false; a plan without no-new-privileges is tightened here
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: plan.readOnlyRootFilesystem,
    capabilities: { drop: ['ALL'], ...(plan.capabilities.add.length ? { add: [...plan.capabilities.add] } : {}) },
  };
  if (plan.apparmor.mode === 'required') containerSecurityContext.appArmorProfile = { type: 'Localhost', localhostProfile: plan.apparmor.profileName };
  else if (plan.apparmor.mode === 'preferred') containerSecurityContext.appArmorProfile = { type: 'RuntimeDefault' };
  const limits = { memory: memoryQuantity(plan.resources.memoryBytes), cpu: `${Math.round(plan.resources.nanoCpus / 1e6)}m` };
  const tmpfs = plan.tmpfs.map((t, i) => {
    const name = `bulkhead-tmpfs-${i}`;
    return { volume: { name, emptyDir: { medium: 'Memory', sizeLimit: memoryQuantity(t.sizeBytes) } }, mount: { name, mountPath: t.path } };
  });
  const notCarried = [
    `pids limit ${plan.resources.pidsLimit}: Kubernetes sets it per node (kubelet podPidsLimit), not per pod`,
    ...(plan.resources.ulimits.length ? [`ulimits ${plan.resources.ulimits.map((u) => u.name).join(', ')}: no pod field; set them in the container runtime`] : []),
    ...(plan.network.mode === 'none' ? ['network none: use a NetworkPolicy that denies all ingress and egress for the pod'] : []),
    ...(plan.restart.policy === 'on-failure' ? [`restart on-failure:${plan.restart.maxRetries}: the kubelet restarts with back-off; a Job's backoffLimit is the closest`] : []),
  ];
  return { podSecurityContext, containerSecurityContext, limits, tmpfs, notCarried };
}

/** The Security Profiles Operator object for the same profile (security-profiles-operator.x-k8s.io/v1beta1). */
export function toSeccompProfileObject(profile: SeccompProfile, name: string, namespace?: string): Record<string, unknown> {
  const architectures = [...new Set(profile.archMap.flatMap((a) => [a.architecture, ...a.subArchitectures]))];
  return {
    apiVersion: 'security-profiles-operator.x-k8s.io/v1beta1',
    kind: 'SeccompProfile',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: {
      defaultAction: profile.defaultAction,
      architectures,
      // the operator's schema has names/action/args (no includes, comments or errnoRet)
      syscalls: profile.syscalls.map((s) => ({ action: s.action, names: [...s.names], ...(s.args ? { args: s.args.map((a) => ({ ...a })) } : {}) })),
    },
  };
}

/** A PodTemplate carrying the hardening, for teams to copy from and for `audit k8s --pss restricted` to check. */
export function podTemplateObject(sec: KubernetesSecurity, name: string, image: string): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PodTemplate',
    metadata: { name },
    template: {
      metadata: { labels: { 'app.kubernetes.io/managed-by': 'bulkhead' } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: sec.podSecurityContext,
        containers: [{ name: 'app', image, securityContext: sec.containerSecurityContext, resources: { limits: sec.limits }, ...(sec.tmpfs.length ? { volumeMounts: sec.tmpfs.map((t) => t.mount) } : {}) }],
        ...(sec.tmpfs.length ? { volumes: sec.tmpfs.map((t) => t.volume) } : {}),
      },
    },
  };
}

function setAll(doc: Document, map: YAMLMap, values: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(values)) {
    const existing = map.get(k, true);
    if (isMap(existing) && v && typeof v === 'object' && !Array.isArray(v)) setAll(doc, existing, v as Record<string, unknown>);
    else map.set(k, doc.createNode(v));
  }
}

/**
 * --patch: the hardening applied to every workload of a manifest text, comments and other
 * fields kept (the `yaml` Document API edits in place). Returns the new text and what was patched.
 */
export function patchManifests(text: string, file: string, sec: KubernetesSecurity): { text: string; patched: string[] } {
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const patched: string[] = [];
  for (const doc of list) {
    if (doc.errors.length) throw new BulkheadError('invalid-input', `${file}: invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const kind = doc.get('kind');
    const items = kind === 'List' ? (doc.get('items', true) as unknown) : undefined;
    const roots: YAMLMap[] = isSeq(items) ? items.items.filter(isMap) : isMap(doc.contents) ? [doc.contents] : [];
    for (const root of roots) {
      const k = String(root.get('kind') ?? '');
      const path = POD_SPEC_PATHS[k];
      if (!path) continue;
      const spec = root.getIn(path, true);
      if (!isMap(spec)) continue;
      const podSc = spec.get('securityContext', true);
      if (isMap(podSc)) setAll(doc, podSc, sec.podSecurityContext);
      else spec.set('securityContext', doc.createNode(sec.podSecurityContext));
      for (const listName of ['initContainers', 'containers']) {
        const containers = spec.get(listName, true);
        if (!isSeq(containers)) continue;
        for (const c of containers.items) {
          if (!isMap(c)) continue;
          const sc = c.get('securityContext', true);
          if (isMap(sc)) {
            setAll(doc, sc, sec.containerSecurityContext);
            // container fields win over the pod's: a container-level root user or opt-out would undo the pod's settings
            if (sc.get('runAsUser') === 0) sc.set('runAsUser', sec.podSecurityContext.runAsUser);
            if (sc.get('runAsNonRoot') === false) sc.set('runAsNonRoot', true);
            const own = sc.get('seccompProfile', true);
            if (isMap(own) && own.get('type') === 'Unconfined') sc.delete('seccompProfile');
          } else c.set('securityContext', doc.createNode(sec.containerSecurityContext));
          const res = c.get('resources', true);
          if (isMap(res)) setAll(doc, res, { limits: sec.limits });
          else c.set('resources', doc.createNode({ limits: sec.limits }));
          for (const t of sec.tmpfs) {
            const mounts = c.get('volumeMounts', true);
            if (isSeq(mounts)) {
              if (!mounts.items.some((m) => isMap(m) && m.get('mountPath') === t.mount.mountPath)) mounts.add(doc.createNode(t.mount));
            } else c.set('volumeMounts', doc.createNode([t.mount]));
          }
        }
      }
      for (const t of sec.tmpfs) {
        const vols = spec.get('volumes', true);
        if (isSeq(vols)) {
          if (!vols.items.some((v) => isMap(v) && v.get('name') === t.volume.name)) vols.add(doc.createNode(t.volume));
        } else spec.set('volumes', doc.createNode([t.volume]));
      }
      const meta = root.get('metadata', true);
      patched.push(`${k}/${isMap(meta) ? String(meta.get('name') ?? '') : ''}`);
    }
  }
  // a document that was opened with its own `---` prints it again: one marker between documents, not two
  const printed = list.map((d, i) => {
    const t = d.toString();
    return i === 0 || /^---(?:\s|$)/.test(t) ? t : `---\n${t}`;
  });
  return { text: printed.join(''), patched };
}
