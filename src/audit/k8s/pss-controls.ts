/**
 * The Pod Security Standards as data.
 * Source: https://kubernetes.io/docs/concepts/security/pod-security-standards/ (Kubernetes v1.33
 * page, read 2026-12-04), the tables "Baseline" and "Restricted". Each control names the fields
 * it restricts and the values it allows, as the page lists them; src/audit/k8s/pss.ts checks a
 * pod against them, and a test keeps the two in step (every control here has a check there).
 * `spec.containers[*]` on the page means containers, initContainers and ephemeralContainers.
 */
export type PssLevel = 'baseline' | 'restricted';

export interface PssControl {
  /** the control's name on the page */
  name: string;
  level: PssLevel;
  /** the restricted fields, as the page writes them */
  fields: string[];
  /** the allowed values, as the page writes them */
  allowed: string[];
}

export const PSS_SOURCE = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

/** Capabilities the baseline level allows in capabilities.add (the page's "Allowed Values"). */
export const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];

/** The "safe" sysctls the baseline level allows (also what the kubelet allows without --allowed-unsafe-sysctls). */
export const SAFE_SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];

export const SELINUX_TYPES = ['container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** Volume types the restricted level allows. */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

export const PSS_CONTROLS: readonly PssControl[] = [
  {
    name: 'HostProcess',
    level: 'baseline',
    fields: ['spec.securityContext.windowsOptions.hostProcess', 'spec.containers[*].securityContext.windowsOptions.hostProcess'],
    allowed: ['Undefined/nil', 'false'],
  },
  { name: 'Host Namespaces', level: 'baseline', fields: ['spec.hostNetwork', 'spec.hostPID', 'spec.hostIPC'], allowed: ['Undefined/nil', 'false'] },
  { name: 'Privileged Containers', level: 'baseline', fields: ['spec.containers[*].securityContext.privileged'], allowed: ['Undefined/nil', 'false'] },
  { name: 'Capabilities', level: 'baseline', fields: ['spec.containers[*].securityContext.capabilities.add'], allowed: ['Undefined/nil', ...BASELINE_CAPABILITIES] },
  { name: 'HostPath Volumes', level: 'baseline', fields: ['spec.volumes[*].hostPath'], allowed: ['Undefined/nil'] },
  { name: 'Host Ports', level: 'baseline', fields: ['spec.containers[*].ports[*].hostPort'], allowed: ['Undefined/nil', '0'] },
  {
    name: 'AppArmor',
    level: 'baseline',
    fields: ['spec.securityContext.appArmorProfile.type', 'spec.containers[*].securityContext.appArmorProfile.type', 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]'],
    allowed: ['Undefined/nil', 'RuntimeDefault', 'Localhost', 'runtime/default', 'localhost/*'],
  },
  {
    name: 'SELinux',
    level: 'baseline',
    fields: ['spec.securityContext.seLinuxOptions.type', 'spec.containers[*].securityContext.seLinuxOptions.type', 'spec.securityContext.seLinuxOptions.user', 'spec.containers[*].securityContext.seLinuxOptions.user', 'spec.securityContext.seLinuxOptions.role', 'spec.containers[*].securityContext.seLinuxOptions.role'],
    allowed: ['Undefined/""', ...SELINUX_TYPES],
  },
  { name: '/proc Mount Type', level: 'baseline', fields: ['spec.containers[*].securityContext.procMount'], allowed: ['Undefined/nil', 'Default'] },
  { name: 'Seccomp', level: 'baseline', fields: ['spec.securityContext.seccompProfile.type', 'spec.containers[*].securityContext.seccompProfile.type'], allowed: ['Undefined/nil', 'RuntimeDefault', 'Localhost'] },
  { name: 'Sysctls', level: 'baseline', fields: ['spec.securityContext.sysctls[*].name'], allowed: ['Undefined/nil', ...SAFE_SYSCTLS] },
  { name: 'Volume Types', level: 'restricted', fields: ['spec.volumes[*]'], allowed: RESTRICTED_VOLUME_TYPES },
  { name: 'Privilege Escalation (v1.8+)', level: 'restricted', fields: ['spec.containers[*].securityContext.allowPrivilegeEscalation'], allowed: ['false'] },
  { name: 'Running as Non-root', level: 'restricted', fields: ['spec.securityContext.runAsNonRoot', 'spec.containers[*].securityContext.runAsNonRoot'], allowed: ['true'] },
  { name: 'Running as Non-root user (v1.23+)', level: 'restricted', fields: ['spec.securityContext.runAsUser', 'spec.containers[*].securityContext.runAsUser'], allowed: ['any non-zero value', 'undefined/null'] },
  { name: 'Seccomp (v1.19+)', level: 'restricted', fields: ['spec.securityContext.seccompProfile.type', 'spec.containers[*].securityContext.seccompProfile.type'], allowed: ['RuntimeDefault', 'Localhost'] },
  { name: 'Capabilities (v1.22+)', level: 'restricted', fields: ['spec.containers[*].securityContext.capabilities.drop', 'spec.containers[*].securityContext.capabilities.add'], allowed: ['drop: ALL', 'add: Undefined/nil or NET_BIND_SERVICE'] },
];
