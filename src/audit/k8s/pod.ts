import type { Location } from '../model.js';
import { InputError, asBool, asMap, asNumber, asSeq, asString, field, type YLoc, type YMap, type YValue } from '../yaml/located.js';

/**
 * A pod spec read into typed, located facts: what the Kubernetes rules and the container
 * adapter (fromPodSpec) read. Every value keeps the file:line:column of its YAML node.
 * The effective container securityContext is merged as the kubelet merges it: a field set on
 * the container wins over the same field on the pod (runAsUser, runAsGroup, runAsNonRoot,
 * seLinuxOptions, seccompProfile, appArmorProfile, windowsOptions); privileged,
 * allowPrivilegeEscalation, capabilities, readOnlyRootFilesystem and procMount exist only on
 * the container; sysctls, fsGroup and supplementalGroups only on the pod.
 */
export interface Located<T> {
  value: T;
  loc: Location;
}

export interface WorkloadRef {
  kind: string;
  name: string;
  namespace: string;
  /** the file as the user named it */
  file: string;
  loc: Location;
}

export interface SecurityContextFacts {
  runAsUser?: Located<number>;
  runAsGroup?: Located<number>;
  runAsNonRoot?: Located<boolean>;
  seLinuxType?: Located<string>;
  seLinuxUser?: Located<string>;
  seLinuxRole?: Located<string>;
  seccompType?: Located<string>;
  seccompLocalhostProfile?: Located<string>;
  appArmorType?: Located<string>;
  hostProcess?: Located<boolean>;
}

export interface ContainerSecurityContextFacts extends SecurityContextFacts {
  privileged?: Located<boolean>;
  allowPrivilegeEscalation?: Located<boolean>;
  readOnlyRootFilesystem?: Located<boolean>;
  procMount?: Located<string>;
  capAdd: Array<Located<string>>;
  capDrop: Array<Located<string>>;
}

export type ContainerListName = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface K8sContainer {
  name: string;
  list: ContainerListName;
  /** e.g. "spec.template.spec.containers[0]": the field path PSS findings name */
  path: string;
  loc: Location;
  image: string;
  /** as written on the container only */
  own: ContainerSecurityContextFacts;
  /** pod-level merged under the container's own fields */
  effective: ContainerSecurityContextFacts;
  ports: Array<{ containerPort: number; protocol: string; hostPort?: Located<number>; hostIP: string; loc: Location }>;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly: boolean; propagation: string; loc: Location }>;
  limits: { memory?: Located<string>; cpu?: Located<string> };
  requests: { memory?: Located<string>; cpu?: Located<string> };
  env: Array<{ name: string; value: string; loc: Location }>;
  probes: string[];
  /** the legacy container.apparmor.security.beta.kubernetes.io/<name> annotation */
  appArmorAnnotation?: Located<string>;
  /** the securityContext key, or the container when none */
  securityContextLoc: Location;
  resourcesLoc: Location;
}

export interface K8sVolume {
  name: string;
  /** the volume source key: hostPath, emptyDir, configMap, ... */
  type: string;
  hostPath?: string;
  loc: Location;
}

export interface PodFacts {
  workload: WorkloadRef;
  /** "spec" for a Pod, "spec.template.spec" for a Deployment, ... */
  specPath: string;
  specLoc: Location;
  hostPID?: Located<boolean>;
  hostIPC?: Located<boolean>;
  hostNetwork?: Located<boolean>;
  hostUsers?: Located<boolean>;
  automountServiceAccountToken?: Located<boolean>;
  serviceAccountName: string;
  restartPolicy: string;
  pod: SecurityContextFacts;
  sysctls: Array<Located<{ name: string; value: string }>>;
  volumes: K8sVolume[];
  containers: K8sContainer[];
  /** set from the ServiceAccount objects among the inputs, when one matches */
  serviceAccountAutomount?: Located<boolean>;
}

const toLoc = (l: YLoc): Location => ({ path: l.file, line: l.line, column: l.column });

function located<T>(v: YValue | undefined, read: (v: YValue) => T | undefined): Located<T> | undefined {
  if (v === undefined) return undefined;
  const value = read(v);
  return value === undefined ? undefined : { value, loc: toLoc(v.loc) };
}

function readSecurityContext(m: YMap | undefined, where: string): SecurityContextFacts {
  const se = asMap(field(m, 'seLinuxOptions'), `${where}.seLinuxOptions`);
  const sc = asMap(field(m, 'seccompProfile'), `${where}.seccompProfile`);
  const aa = asMap(field(m, 'appArmorProfile'), `${where}.appArmorProfile`);
  const win = asMap(field(m, 'windowsOptions'), `${where}.windowsOptions`);
  const out: SecurityContextFacts = {};
  const put = <K extends keyof SecurityContextFacts>(k: K, v: SecurityContextFacts[K]): void => {
    if (v !== undefined) out[k] = v;
  };
  put('runAsUser', located(field(m, 'runAsUser'), (v) => asNumber(v, `${where}.runAsUser`)));
  put('runAsGroup', located(field(m, 'runAsGroup'), (v) => asNumber(v, `${where}.runAsGroup`)));
  put('runAsNonRoot', located(field(m, 'runAsNonRoot'), (v) => asBool(v, `${where}.runAsNonRoot`)));
  put('seLinuxType', located(field(se, 'type'), (v) => asString(v, `${where}.seLinuxOptions.type`)));
  put('seLinuxUser', located(field(se, 'user'), (v) => asString(v, `${where}.seLinuxOptions.user`)));
  put('seLinuxRole', located(field(se, 'role'), (v) => asString(v, `${where}.seLinuxOptions.role`)));
  put('seccompType', located(field(sc, 'type'), (v) => asString(v, `${where}.seccompProfile.type`)));
  put('seccompLocalhostProfile', located(field(sc, 'localhostProfile'), (v) => asString(v, `${where}.seccompProfile.localhostProfile`)));
  put('appArmorType', located(field(aa, 'type'), (v) => asString(v, `${where}.appArmorProfile.type`)));
  put('hostProcess', located(field(win, 'hostProcess'), (v) => asBool(v, `${where}.windowsOptions.hostProcess`)));
  return out;
}

function readContainerSecurityContext(m: YMap | undefined, where: string): ContainerSecurityContextFacts {
  const caps = asMap(field(m, 'capabilities'), `${where}.capabilities`);
  const list = (k: 'add' | 'drop'): Array<Located<string>> =>
    (asSeq(field(caps, k), `${where}.capabilities.${k}`)?.items ?? []).map((i) => ({ value: asString(i, `${where}.capabilities.${k} item`) ?? '', loc: toLoc(i.loc) }));
  const out: ContainerSecurityContextFacts = { ...readSecurityContext(m, where), capAdd: list('add'), capDrop: list('drop') };
  const priv = located(field(m, 'privileged'), (v) => asBool(v, `${where}.privileged`));
  const ape = located(field(m, 'allowPrivilegeEscalation'), (v) => asBool(v, `${where}.allowPrivilegeEscalation`));
  const ro = located(field(m, 'readOnlyRootFilesystem'), (v) => asBool(v, `${where}.readOnlyRootFilesystem`));
  const pm = located(field(m, 'procMount'), (v) => asString(v, `${where}.procMount`));
  if (priv) out.privileged = priv;
  if (ape) out.allowPrivilegeEscalation = ape;
  if (ro) out.readOnlyRootFilesystem = ro;
  if (pm) out.procMount = pm;
  return out;
}

function quantity(v: YValue | undefined, what: string): Located<string> | undefined {
  return located(v, (x) => asString(x, what));
}

function readContainer(node: YValue, list: ContainerListName, index: number, specPath: string, pod: SecurityContextFacts, annotations: Map<string, Located<string>>): K8sContainer {
  const path = `${specPath}.${list}[${index}]`;
  const m = asMap(node, path)!;
  const name = asString(field(m, 'name'), `${path}.name`) ?? `#${index}`;
  const scNode = asMap(field(m, 'securityContext'), `${path}.securityContext`);
  const own = readContainerSecurityContext(scNode, `${path}.securityContext`);
  const effective: ContainerSecurityContextFacts = { ...pod, ...own };
  const ports = (asSeq(field(m, 'ports'), `${path}.ports`)?.items ?? []).map((p, i) => {
    const pm = asMap(p, `${path}.ports[${i}]`)!;
    const hostPort = located(field(pm, 'hostPort'), (v) => asNumber(v, `${path}.ports[${i}].hostPort`));
    return {
      containerPort: asNumber(field(pm, 'containerPort'), `${path}.ports[${i}].containerPort`) ?? 0,
      protocol: (asString(field(pm, 'protocol'), `${path}.ports[${i}].protocol`) ?? 'TCP').toLowerCase(),
      ...(hostPort && hostPort.value !== 0 ? { hostPort } : {}),
      hostIP: asString(field(pm, 'hostIP'), `${path}.ports[${i}].hostIP`) ?? '',
      loc: toLoc(p.loc),
    };
  });
  const volumeMounts = (asSeq(field(m, 'volumeMounts'), `${path}.volumeMounts`)?.items ?? []).map((v, i) => {
    const vm = asMap(v, `${path}.volumeMounts[${i}]`)!;
    return {
      name: asString(field(vm, 'name'), `${path}.volumeMounts[${i}].name`) ?? '',
      mountPath: asString(field(vm, 'mountPath'), `${path}.volumeMounts[${i}].mountPath`) ?? '',
      readOnly: asBool(field(vm, 'readOnly'), `${path}.volumeMounts[${i}].readOnly`) ?? false,
      propagation: asString(field(vm, 'mountPropagation'), `${path}.volumeMounts[${i}].mountPropagation`) ?? '',
      loc: toLoc(v.loc),
    };
  });
  const resources = asMap(field(m, 'resources'), `${path}.resources`);
  const limits = asMap(field(resources, 'limits'), `${path}.resources.limits`);
  const requests = asMap(field(resources, 'requests'), `${path}.resources.requests`);
  const env = (asSeq(field(m, 'env'), `${path}.env`)?.items ?? []).flatMap((e, i) => {
    const em = asMap(e, `${path}.env[${i}]`)!;
    const value = asString(field(em, 'value'), `${path}.env[${i}].value`);
    // valueFrom (secretKeyRef, ...) is the right way to pass a secret: nothing to read here
    return value === undefined ? [] : [{ name: asString(field(em, 'name'), `${path}.env[${i}].name`) ?? '', value, loc: toLoc(e.loc) }];
  });
  const probes = ['livenessProbe', 'readinessProbe', 'startupProbe'].filter((p) => field(m, p) !== undefined);
  const limitsOut: K8sContainer['limits'] = {};
  const requestsOut: K8sContainer['requests'] = {};
  for (const k of ['memory', 'cpu'] as const) {
    const l = quantity(field(limits, k), `${path}.resources.limits.${k}`);
    const r = quantity(field(requests, k), `${path}.resources.requests.${k}`);
    if (l) limitsOut[k] = l;
    if (r) requestsOut[k] = r;
  }
  const aa = annotations.get(`container.apparmor.security.beta.kubernetes.io/${name}`);
  return {
    name,
    list,
    path,
    loc: toLoc(m.loc),
    image: asString(field(m, 'image'), `${path}.image`) ?? '',
    own,
    effective,
    ports,
    volumeMounts,
    limits: limitsOut,
    requests: requestsOut,
    env,
    probes,
    ...(aa ? { appArmorAnnotation: aa } : {}),
    securityContextLoc: toLoc(m.entries.get('securityContext')?.keyLoc ?? m.loc),
    resourcesLoc: toLoc(m.entries.get('resources')?.keyLoc ?? m.loc),
  };
}

/** A pod spec (and the pod template's metadata, for annotations) -> PodFacts. Throws InputError on wrong types. */
export function readPodSpec(spec: YMap, specPath: string, workload: WorkloadRef, podMeta: YMap | undefined): PodFacts {
  const annotations = new Map<string, Located<string>>();
  for (const e of asMap(field(podMeta, 'annotations'), 'metadata.annotations')?.entries.values() ?? []) {
    annotations.set(e.key, { value: asString(e.value, `annotation ${e.key}`) ?? '', loc: toLoc(e.keyLoc) });
  }
  const scNode = asMap(field(spec, 'securityContext'), `${specPath}.securityContext`);
  const pod = readSecurityContext(scNode, `${specPath}.securityContext`);
  const sysctls = (asSeq(field(scNode, 'sysctls'), `${specPath}.securityContext.sysctls`)?.items ?? []).map((s, i) => {
    const sm = asMap(s, `${specPath}.securityContext.sysctls[${i}]`)!;
    return { value: { name: asString(field(sm, 'name'), 'sysctl name') ?? '', value: asString(field(sm, 'value'), 'sysctl value') ?? '' }, loc: toLoc(s.loc) };
  });
  const volumes = (asSeq(field(spec, 'volumes'), `${specPath}.volumes`)?.items ?? []).map((v, i) => {
    const vm = asMap(v, `${specPath}.volumes[${i}]`)!;
    const type = [...vm.entries.keys()].find((k) => k !== 'name') ?? 'emptyDir';
    const hp = asMap(field(vm, 'hostPath'), `${specPath}.volumes[${i}].hostPath`);
    const hostPath = hp ? asString(field(hp, 'path'), `${specPath}.volumes[${i}].hostPath.path`) : undefined;
    return { name: asString(field(vm, 'name'), `${specPath}.volumes[${i}].name`) ?? '', type, ...(hostPath !== undefined ? { hostPath } : {}), loc: toLoc(v.loc) };
  });
  const containers: K8sContainer[] = [];
  for (const list of ['initContainers', 'containers', 'ephemeralContainers'] as const) {
    const items = asSeq(field(spec, list), `${specPath}.${list}`)?.items ?? [];
    items.forEach((c, i) => containers.push(readContainer(c, list, i, specPath, pod, annotations)));
  }
  if (!containers.some((c) => c.list === 'containers')) throw new InputError(spec.loc, `${workload.kind} ${workload.name}: ${specPath}.containers is missing or empty`);
  const bool = (k: string): Located<boolean> | undefined => located(field(spec, k), (v) => asBool(v, `${specPath}.${k}`));
  const out: PodFacts = {
    workload,
    specPath,
    specLoc: toLoc(spec.loc),
    serviceAccountName: asString(field(spec, 'serviceAccountName'), `${specPath}.serviceAccountName`) ?? 'default',
    restartPolicy: asString(field(spec, 'restartPolicy'), `${specPath}.restartPolicy`) ?? 'Always',
    pod,
    sysctls,
    volumes,
    containers,
  };
  for (const k of ['hostPID', 'hostIPC', 'hostNetwork', 'hostUsers', 'automountServiceAccountToken'] as const) {
    const b = bool(k);
    if (b) out[k] = b;
  }
  return out;
}
