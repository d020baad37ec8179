/**
 * Why the plugin refuses a request that no container rule judges: the body could not be read,
 * or the endpoint itself is the risk. Ids are a public interface like rule ids (docs/authz.md):
 * never renumbered, never reused.
 */
export const AUTHZ_REASONS = {
  AZ001: {
    title: 'Request body missing',
    fix: 'Send the request with its JSON body (Content-Type: application/json, under 1 MiB); a body the daemon did not forward cannot be checked (CVE-2024-41110).',
  },
  AZ002: {
    title: 'Request body unreadable',
    fix: 'Send one JSON object in UTF-8, each field once, with the Engine API field names and types (the docker CLI and SDKs do).',
  },
  AZ003: {
    title: 'Privileged or root exec',
    fix: 'Run the exec without --privileged, as the container user or a numeric non-root --user UID.',
  },
  AZ004: {
    title: 'Update removes a limit',
    fix: 'Keep the memory, swap, CPU and PIDs limits: docker update may change them but not set them to unlimited.',
  },
  AZ005: {
    title: 'Plugin change',
    fix: 'Install, enable, disable, configure and remove engine plugins with the authorization plugin stopped, as root on the host: a plugin change can remove the authorization plugin from the chain.',
  },
  AZ006: {
    title: 'Build with host networking',
    fix: 'Build without --network host.',
  },
  AZ007: {
    title: 'Builds not allowed',
    fix: 'Build elsewhere (a CI builder, rootless BuildKit), or set authz.builds: allow in the policy.',
  },
  AZ008: {
    title: 'Start with a host config',
    fix: 'Start the container without a body: settings given at start (API < 1.24) bypass the checks made at create.',
  },
  AZ009: {
    title: 'Swarm service not checked',
    fix: 'Swarm services are not checked by the container rules; create containers directly, or run swarm without this plugin on managers.',
  },
  AZ010: {
    title: 'Volume backed by a host path',
    fix: 'Create volumes without a host path device option (-o device=/path): such a volume mounts that host path into any container that uses it.',
  },
} as const satisfies Record<string, { title: string; fix: string }>;

export type AuthzReasonId = keyof typeof AUTHZ_REASONS;
