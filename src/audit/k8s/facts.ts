import type { ContainerFacts, ContainerMount, EngineConfinement, PublishedPort, UnknownFact } from '../container/facts.js';
import { normaliseCapability } from '../container/normalize.js';
import type { Location } from '../model.js';
import { InputError } from '../yaml/located.js';
import type { K8sContainer, Located, PodFacts } from './pod.js';

/** A manifest does not say which node runtime it lands on. */
const UNKNOWN_ENGINE: EngineConfinement = { seccomp: false, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '' };

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes resource.Quantity ("128Mi", "1G", "500m", "0.5", "1e9") as a number. */
export function parseQuantity(q: Located<string>): number {
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(q.value.trim());
  if (!m) throw new InputError({ file: q.loc.path ?? '', line: q.loc.line ?? 0, column: q.loc.column ?? 0 }, `${JSON.stringify(q.value)} is not a Kubernetes quantity (e.g. 128Mi, 500m)`);
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2].slice(1)) : SUFFIX[m[3] ?? '']!);
}

const PROPAGATION: Record<string, string> = { Bidirectional: 'rshared', HostToContainer: 'rslave', None: 'rprivate' };

/**
 * One container of a pod spec -> the facts the container rules read, as the kubelet would run it:
 * allowPrivilegeEscalation: false is no_new_privs, a hostPath volume mount is a bind mount,
 * requests.cpu becomes cpu shares, probes are the health check (Kubernetes ignores the image's
 * HEALTHCHECK). What the manifest leaves to the image (USER) or the node (runtime confinement,
 * the node's pids limit) is unknown, and the engine's restart loop does not apply.
 */
export function fromPodSpec(pod: PodFacts, c: K8sContainer): ContainerFacts {
  const sc = c.effective;
  const sources: Record<string, { path: string; line: number; column: number }> = {};
  const put = (key: string, loc: Location | undefined): void => {
    if (loc?.path !== undefined && loc.line !== undefined) sources[key] = { path: loc.path, line: loc.line, column: loc.column ?? 0 };
  };
  put('self', c.loc);
  const unknown: UnknownFact[] = ['engine', 'pidsLimit', 'restart'];

  const privileged = sc.privileged?.value === true;
  put('privileged', sc.privileged?.loc);
  const capAdd = sc.capAdd.map((x) => normaliseCapability(x.value));
  sc.capAdd.forEach((x, i) => put(`capAdd:${capAdd[i]}`, x.loc));
  put('capAdd', sc.capAdd[0]?.loc ?? c.securityContextLoc);
  put('capDrop', sc.capDrop[0]?.loc ?? c.securityContextLoc);

  const volumes = new Map(pod.volumes.map((v) => [v.name, v]));
  const mounts: ContainerMount[] = c.volumeMounts.map((vm) => {
    const v = volumes.get(vm.name);
    const hostPath = v?.hostPath;
    put(`mounts:${vm.mountPath}`, vm.loc);
    if (hostPath !== undefined) put(`mounts:${hostPath}`, vm.loc);
    return {
      type: hostPath !== undefined ? 'bind' : v?.type === 'emptyDir' ? 'tmpfs' : 'volume',
      source: hostPath ?? vm.name,
      destination: vm.mountPath,
      rw: !vm.readOnly,
      propagation: PROPAGATION[vm.propagation] ?? '',
    };
  });

  const securityOpt: string[] = [];
  // the kubelet sets no_new_privs exactly when allowPrivilegeEscalation is false
  if (sc.allowPrivilegeEscalation?.value === false) securityOpt.push('no-new-privileges:true');
  // the field decides either way: true is where CT018 (and KS003) point
  put('securityOpt:no-new-privileges', sc.allowPrivilegeEscalation?.loc);
  if (sc.seccompType?.value === 'Unconfined') {
    securityOpt.push('seccomp=unconfined');
    put('securityOpt:seccomp', sc.seccompType.loc);
  }
  const apparmorUnconfined = sc.appArmorType?.value === 'Unconfined' || c.appArmorAnnotation?.value === 'unconfined';
  if (apparmorUnconfined) {
    securityOpt.push('apparmor=unconfined');
    put('securityOpt:apparmor', sc.appArmorType?.value === 'Unconfined' ? sc.appArmorType.loc : c.appArmorAnnotation?.loc);
  }
  put('securityOpt', c.securityContextLoc);
  // procMount: Unmasked (CT033's fact) and sysctls (CT034's) are not mapped: KS004 and KS005 report them with what a pod adds (user namespaces, the kubelet's safe set)

  const user = sc.runAsUser === undefined ? undefined : String(sc.runAsUser.value) + (sc.runAsGroup ? `:${sc.runAsGroup.value}` : '');
  put('user', sc.runAsUser?.loc);
  // runAsNonRoot: true without runAsUser: the kubelet refuses to start a root image, so it is not root, but which uid is the image's
  if (user === undefined) unknown.push('user');

  const memory = c.limits.memory ? Math.round(parseQuantity(c.limits.memory)) : 0;
  put('resources.memory', c.limits.memory?.loc ?? c.resourcesLoc);
  const nanoCpus = c.limits.cpu ? Math.round(parseQuantity(c.limits.cpu) * 1e9) : 0;
  put('resources.nanoCpus', c.limits.cpu?.loc ?? c.resourcesLoc);
  // the kubelet turns requests.cpu into cpu.shares (milliCPU * 1024 / 1000, at least 2)
  const cpuShares = c.requests.cpu ? Math.max(2, Math.round(parseQuantity(c.requests.cpu) * 1024)) : 0;

  const ports: PublishedPort[] = [];
  for (const p of c.ports) {
    if (!p.hostPort) continue;
    const pp = { containerPort: `${p.containerPort}/${p.protocol}`, hostIp: p.hostIP, hostPort: String(p.hostPort.value) };
    ports.push(pp);
    put(`ports:${pp.hostPort}:${pp.containerPort}`, p.hostPort.loc);
    put(`ports:${pp.hostPort}`, p.hostPort.loc);
  }

  for (const e of c.env) put(`env:${e.name}`, e.loc);
  put('namespaces.pid', pod.hostPID?.loc);
  put('namespaces.network', pod.hostNetwork?.loc);
  put('namespaces.ipc', pod.hostIPC?.loc);
  put('namespaces.userns', pod.hostUsers?.loc);
  put('readOnlyRootfs', sc.readOnlyRootFilesystem?.loc ?? c.securityContextLoc);

  return {
    id: `${pod.workload.namespace}/${pod.workload.kind}/${pod.workload.name}/${c.name}`,
    name: c.name,
    image: c.image,
    running: false,
    privileged,
    capAdd,
    capDrop: sc.capDrop.map((x) => normaliseCapability(x.value)),
    mounts,
    namespaces: {
      pid: pod.hostPID?.value ? 'host' : '',
      // pods get their own network namespace; there is no docker default bridge in Kubernetes
      network: pod.hostNetwork?.value ? 'host' : 'pod',
      ipc: pod.hostIPC?.value ? 'host' : '',
      uts: '',
      userns: pod.hostUsers?.value === false ? 'private' : '',
      cgroupns: '',
    },
    devices: [],
    deviceCgroupRules: [],
    resources: { memory, memorySwap: 0, nanoCpus, cpuQuota: 0, cpuShares, pidsLimit: null, ulimits: [] },
    securityOpt,
    appArmorProfile: apparmorUnconfined ? 'unconfined' : '',
    user: user ?? '',
    readOnlyRootfs: sc.readOnlyRootFilesystem?.value === true,
    restart: { name: '', maxRetries: 0 },
    ports,
    env: c.env.map((e) => ({ name: e.name, value: e.value })),
    labels: {},
    tmpfs: {},
    // init and ephemeral containers and run-to-completion pods (Jobs) take no probes: a missing probe is a gap only on long-running containers
    healthcheck: c.list !== 'containers' || pod.restartPolicy !== 'Always' || c.probes.length ? ['CMD', ...c.probes] : undefined,
    engine: UNKNOWN_ENGINE,
    processes: { known: false, reason: 'a pod spec declares a container; none runs yet' },
    unknown,
    sources,
  };
}
