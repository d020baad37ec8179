import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';
import { vulnerableComponent } from './vulnerable-component.js';
import { usernsRemapDisabled } from './userns-remap-disabled.js';
import { iccEnabled } from './icc-enabled.js';
import { liveRestoreDisabled } from './live-restore-disabled.js';
import { noNewPrivilegesDefault } from './no-new-privileges-default.js';
import { logRotationMissing } from './log-rotation-missing.js';
import { defaultUlimitsUnset } from './default-ulimits-unset.js';
import { tcpWithoutTls } from './tcp-without-tls.js';
import { experimentalEnabled } from './experimental-enabled.js';
import { insecureRegistry } from './insecure-registry.js';
import { socketPermissions } from './socket-permissions.js';
import { socketGroupMembers } from './socket-group-members.js';
import { noMandatoryAccessControl } from './no-mandatory-access-control.js';
import { seccompUnavailable } from './seccomp-unavailable.js';
import { cgroupV1 } from './cgroup-v1.js';
import { rootfulDaemon } from './rootful-daemon.js';
import { rootUserImages } from './root-user-images.js';
import { danglingImages } from './dangling-images.js';
import { userlandProxyEnabled } from './userland-proxy-enabled.js';
import { daemonJsonPermissions } from './daemon-json-permissions.js';
import { engineFilePermissions } from './engine-file-permissions.js';
import { engineFilesNotAudited } from './engine-files-not-audited.js';
import { dataRootNotSeparate } from './data-root-not-separate.js';
import { iptablesDisabled } from './iptables-disabled.js';
import { aufsStorageDriver } from './aufs-storage-driver.js';
import { debugLogging } from './debug-logging.js';
import { noAuthorizationPlugin } from './no-authorization-plugin.js';
import { containerSprawl } from './container-sprawl.js';
import { swarmModeActive } from './swarm-mode-active.js';
import { swarmManagerCount } from './swarm-manager-count.js';
import { swarmOverlayUnencrypted } from './swarm-overlay-unencrypted.js';
import { swarmAutolockDisabled } from './swarm-autolock-disabled.js';
import { swarmNodeCertExpiry } from './swarm-node-cert-expiry.js';
import { noSandboxedRuntime } from './no-sandboxed-runtime.js';
import { runscWithoutOciSeccomp } from './runsc-without-oci-seccomp.js';
import { defaultRuntimeUnknown } from './default-runtime-unknown.js';

// The host rule family: one import per rule file, in id order.
export const hostRules: Array<Rule<HostFacts>> = [
  vulnerableComponent,
  usernsRemapDisabled,
  iccEnabled,
  liveRestoreDisabled,
  noNewPrivilegesDefault,
  logRotationMissing,
  defaultUlimitsUnset,
  tcpWithoutTls,
  experimentalEnabled,
  insecureRegistry,
  socketPermissions,
  socketGroupMembers,
  noMandatoryAccessControl,
  seccompUnavailable,
  cgroupV1,
  rootfulDaemon,
  rootUserImages,
  danglingImages,
  userlandProxyEnabled,
  daemonJsonPermissions,
  engineFilePermissions,
  engineFilesNotAudited,
  dataRootNotSeparate,
  iptablesDisabled,
  aufsStorageDriver,
  debugLogging,
  noAuthorizationPlugin,
  containerSprawl,
  swarmModeActive,
  swarmManagerCount,
  swarmOverlayUnencrypted,
  swarmAutolockDisabled,
  swarmNodeCertExpiry,
  noSandboxedRuntime,
  runscWithoutOciSeccomp,
  defaultRuntimeUnknown,
];
