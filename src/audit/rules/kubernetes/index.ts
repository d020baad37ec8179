import type { Rule } from '../rule.js';
import type { K8sRuleFacts } from './_facts.js';
import { hostPathVolume } from './host-path-volume.js';
import { serviceAccountTokenMounted } from './service-account-token-mounted.js';
import { privilegeEscalationAllowed } from './privilege-escalation-allowed.js';
import { unmaskedProcMount } from './unmasked-proc-mount.js';
import { unsafeSysctl } from './unsafe-sysctl.js';
import { hostPort } from './host-port.js';
import { runAsNonRootMissing } from './run-as-non-root-missing.js';
import { seccompProfileUnset } from './seccomp-profile-unset.js';
import { podSecurityStandard } from './pod-security-standard.js';

// The Kubernetes rule family (what only a pod spec has; the container rules run on each container too), in id order.
export const kubernetesRules: Array<Rule<K8sRuleFacts>> = [
  hostPathVolume,
  serviceAccountTokenMounted,
  privilegeEscalationAllowed,
  unmaskedProcMount,
  unsafeSysctl,
  hostPort,
  runAsNonRootMissing,
  seccompProfileUnset,
  podSecurityStandard,
];
