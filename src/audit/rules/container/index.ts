import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { privileged } from './privileged.js';
import { dangerousCapability } from './dangerous-capability.js';
import { capabilitiesNotDropped } from './capabilities-not-dropped.js';
import { engineSocketMounted } from './engine-socket-mounted.js';
import { sensitiveHostPath } from './sensitive-host-path.js';
import { hostPidNamespace } from './host-pid-namespace.js';
import { hostNetworkNamespace } from './host-network-namespace.js';
import { hostIpcNamespace } from './host-ipc-namespace.js';
import { hostUtsNamespace } from './host-uts-namespace.js';
import { hostUserNamespace } from './host-user-namespace.js';
import { hostCgroupNamespace } from './host-cgroup-namespace.js';
import { hostDevices } from './host-devices.js';
import { noMemoryLimit } from './no-memory-limit.js';
import { noCpuLimit } from './no-cpu-limit.js';
import { noPidsLimit } from './no-pids-limit.js';
import { seccompUnconfined } from './seccomp-unconfined.js';
import { apparmorUnconfined } from './apparmor-unconfined.js';
import { noNewPrivilegesMissing } from './no-new-privileges-missing.js';
import { runsAsRootUser } from './runs-as-root.js';
import { writableRootFilesystem } from './writable-root-filesystem.js';
import { restartPolicy } from './restart-policy.js';
import { portOnAllInterfaces } from './port-on-all-interfaces.js';
import { sharedMountPropagation } from './shared-mount-propagation.js';
import { secretInEnv } from './secret-in-env.js';
import { setuidFileAdded } from './setuid-file-added.js';
import { secretInFile } from './secret-in-file.js';
import { policyDrift } from './policy-drift.js';
import { planLabelMismatch } from './plan-label-mismatch.js';
import { noHealthcheck } from './no-healthcheck.js';
import { defaultBridgeNetwork } from './default-bridge-network.js';
import { privilegedPortMapped } from './privileged-port-mapped.js';
import { sshdRunning } from './sshd-running.js';
import { systemPathsUnmasked } from './system-paths-unmasked.js';
import { sysctlOutsideSafeSet } from './sysctl-outside-safe-set.js';
import { publishAllPorts } from './publish-all-ports.js';

// The container rule family: one import per rule file, in id order.
export const containerRules: Array<Rule<ContainerFacts>> = [
  privileged,
  dangerousCapability,
  capabilitiesNotDropped,
  engineSocketMounted,
  sensitiveHostPath,
  hostPidNamespace,
  hostNetworkNamespace,
  hostIpcNamespace,
  hostUtsNamespace,
  hostUserNamespace,
  hostCgroupNamespace,
  hostDevices,
  noMemoryLimit,
  noCpuLimit,
  noPidsLimit,
  seccompUnconfined,
  apparmorUnconfined,
  noNewPrivilegesMissing,
  runsAsRootUser,
  writableRootFilesystem,
  restartPolicy,
  portOnAllInterfaces,
  sharedMountPropagation,
  secretInEnv,
  setuidFileAdded,
  secretInFile,
  policyDrift,
  planLabelMismatch,
  noHealthcheck,
  defaultBridgeNetwork,
  privilegedPortMapped,
  sshdRunning,
  systemPathsUnmasked,
  sysctlOutsideSafeSet,
  publishAllPorts,
];
