import type { Location } from '../model.js';
import { normaliseCapability } from '../container/normalize.js';
import type { PodFacts } from './pod.js';
import { BASELINE_CAPABILITIES, PSS_CONTROLS, RESTRICTED_VOLUME_TYPES, SAFE_SYSCTLS, SELINUX_TYPES, type PssControl, type PssLevel } from './pss-controls.js';

export interface PssViolation {
  control: PssControl;
  /** the concrete field, e.g. spec.template.spec.containers[0].securityContext.privileged */
  field: string;
  /** what it is set to ("unset" when the control requires a value) */
  value: string;
  loc: Location;
}

type Check = (pod: PodFacts, report: (field: string, value: string, loc: Location) => void) => void;

/** One check per control of pss-controls.ts, by control name (a test keeps both lists equal). */
export const PSS_CHECKS: Readonly<Record<string, Check>> = {
  HostProcess: (pod, report) => {
    if (pod.pod.hostProcess?.value) report(`${pod.specPath}.securityContext.windowsOptions.hostProcess`, 'true', pod.pod.hostProcess.loc);
    for (const c of pod.containers) if (c.own.hostProcess?.value) report(`${c.path}.securityContext.windowsOptions.hostProcess`, 'true', c.own.hostProcess.loc);
  },
  'Host Namespaces': (pod, report) => {
    for (const k of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (pod[k]?.value) report(`${pod.specPath}.${k}`, 'true', pod[k].loc);
  },
  'Privileged Containers': (pod, report) => {
    for (const c of pod.containers) if (c.own.privileged?.value) report(`${c.path}.securityContext.privileged`, 'true', c.own.privileged.loc);
  },
  Capabilities: (pod, report) => {
    for (const c of pod.containers) {
      c.own.capAdd.forEach((cap, i) => {
        if (!BASELINE_CAPABILITIES.includes(normaliseCapability(cap.value))) report(`${c.path}.securityContext.capabilities.add[${i}]`, cap.value, cap.loc);
      });
    }
  },
  'HostPath Volumes': (pod, report) => {
    pod.volumes.forEach((v, i) => {
      if (v.hostPath !== undefined) report(`${pod.specPath}.volumes[${i}].hostPath`, v.hostPath, v.loc);
    });
  },
  'Host Ports': (pod, report) => {
    for (const c of pod.containers) {
      c.ports.forEach((p, i) => {
        if (p.hostPort) report(`${c.path}.ports[${i}].hostPort`, String(p.hostPort.value), p.hostPort.loc);
      });
    }
  },
  AppArmor: (pod, report) => {
    const ok = (t: string): boolean => t === 'RuntimeDefault' || t === 'Localhost';
    if (pod.pod.appArmorType && !ok(pod.pod.appArmorType.value)) report(`${pod.specPath}.securityContext.appArmorProfile.type`, pod.pod.appArmorType.value, pod.pod.appArmorType.loc);
    for (const c of pod.containers) {
      if (c.own.appArmorType && !ok(c.own.appArmorType.value)) report(`${c.path}.securityContext.appArmorProfile.type`, c.own.appArmorType.value, c.own.appArmorType.loc);
      const a = c.appArmorAnnotation;
      if (a && a.value !== 'runtime/default' && !a.value.startsWith('localhost/')) report(`metadata.annotations["container.apparmor.security.beta.kubernetes.io/${c.name}"]`, a.value, a.loc);
    }
  },
  SELinux: (pod, report) => {
    const scs = [{ path: `${pod.specPath}.securityContext`, sc: pod.pod }, ...pod.containers.map((c) => ({ path: `${c.path}.securityContext`, sc: c.own }))];
    for (const { path, sc } of scs) {
      if (sc.seLinuxType && sc.seLinuxType.value !== '' && !SELINUX_TYPES.includes(sc.seLinuxType.value)) report(`${path}.seLinuxOptions.type`, sc.seLinuxType.value, sc.seLinuxType.loc);
      if (sc.seLinuxUser && sc.seLinuxUser.value !== '') report(`${path}.seLinuxOptions.user`, sc.seLinuxUser.value, sc.seLinuxUser.loc);
      if (sc.seLinuxRole && sc.seLinuxRole.value !== '') report(`${path}.seLinuxOptions.role`, sc.seLinuxRole.value, sc.seLinuxRole.loc);
    }
  },
  '/proc Mount Type': (pod, report) => {
    for (const c of pod.containers) if (c.own.procMount && c.own.procMount.value !== 'Default') report(`${c.path}.securityContext.procMount`, c.own.procMount.value, c.own.procMount.loc);
  },
  Seccomp: (pod, report) => {
    const bad = (t: string): boolean => t === 'Unconfined';
    if (pod.pod.seccompType && bad(pod.pod.seccompType.value)) report(`${pod.specPath}.securityContext.seccompProfile.type`, pod.pod.seccompType.value, pod.pod.seccompType.loc);
    for (const c of pod.containers) if (c.own.seccompType && bad(c.own.seccompType.value)) report(`${c.path}.securityContext.seccompProfile.type`, c.own.seccompType.value, c.own.seccompType.loc);
  },
  Sysctls: (pod, report) => {
    pod.sysctls.forEach((s, i) => {
      if (!SAFE_SYSCTLS.includes(s.value.name)) report(`${pod.specPath}.securityContext.sysctls[${i}].name`, s.value.name, s.loc);
    });
  },
  'Volume Types': (pod, report) => {
    pod.volumes.forEach((v, i) => {
      if (!RESTRICTED_VOLUME_TYPES.includes(v.type)) report(`${pod.specPath}.volumes[${i}].${v.type}`, v.type, v.loc);
    });
  },
  'Privilege Escalation (v1.8+)': (pod, report) => {
    for (const c of pod.containers) {
      const v = c.own.allowPrivilegeEscalation;
      if (v?.value !== false) report(`${c.path}.securityContext.allowPrivilegeEscalation`, v ? String(v.value) : 'unset', v?.loc ?? c.securityContextLoc);
    }
  },
  'Running as Non-root': (pod, report) => {
    const podSet = pod.pod.runAsNonRoot;
    if (podSet?.value === false) report(`${pod.specPath}.securityContext.runAsNonRoot`, 'false', podSet.loc);
    for (const c of pod.containers) {
      const own = c.own.runAsNonRoot;
      // containers may leave it unset when the pod sets true
      if (own?.value === false) report(`${c.path}.securityContext.runAsNonRoot`, 'false', own.loc);
      else if (own === undefined && podSet?.value !== true) report(`${c.path}.securityContext.runAsNonRoot`, 'unset', c.securityContextLoc);
    }
  },
  'Running as Non-root user (v1.23+)': (pod, report) => {
    if (pod.pod.runAsUser?.value === 0) report(`${pod.specPath}.securityContext.runAsUser`, '0', pod.pod.runAsUser.loc);
    for (const c of pod.containers) if (c.own.runAsUser?.value === 0) report(`${c.path}.securityContext.runAsUser`, '0', c.own.runAsUser.loc);
  },
  'Seccomp (v1.19+)': (pod, report) => {
    const ok = (t: string | undefined): boolean => t === 'RuntimeDefault' || t === 'Localhost';
    const podType = pod.pod.seccompType;
    // Unconfined is the baseline control's to report; here: unset where it must be set
    for (const c of pod.containers) {
      const own = c.own.seccompType;
      if (own === undefined && !ok(podType?.value) && podType?.value !== 'Unconfined') report(`${c.path}.securityContext.seccompProfile.type`, 'unset', c.securityContextLoc);
      else if (own !== undefined && !ok(own.value) && own.value !== 'Unconfined') report(`${c.path}.securityContext.seccompProfile.type`, own.value, own.loc);
    }
  },
  'Capabilities (v1.22+)': (pod, report) => {
    for (const c of pod.containers) {
      if (!c.own.capDrop.some((d) => normaliseCapability(d.value) === 'ALL')) report(`${c.path}.securityContext.capabilities.drop`, c.own.capDrop.length ? c.own.capDrop.map((d) => d.value).join(',') : 'unset', c.own.capDrop[0]?.loc ?? c.securityContextLoc);
      c.own.capAdd.forEach((cap, i) => {
        const n = normaliseCapability(cap.value);
        // outside the baseline set the baseline control has reported it already
        if (n !== 'NET_BIND_SERVICE' && BASELINE_CAPABILITIES.includes(n)) report(`${c.path}.securityContext.capabilities.add[${i}]`, cap.value, cap.loc);
      });
    }
  },
};

/** Every field of the pod that violates the level (restricted includes baseline), in control order. */
export function checkPss(pod: PodFacts, level: PssLevel): PssViolation[] {
  const out: PssViolation[] = [];
  for (const control of PSS_CONTROLS) {
    if (level === 'baseline' && control.level !== 'baseline') continue;
    PSS_CHECKS[control.name]?.(pod, (field, value, loc) => out.push({ control, field, value, loc }));
  }
  return out;
}
