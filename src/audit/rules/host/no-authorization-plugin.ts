import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const noAuthorizationPlugin: Rule<HostFacts> = {
  meta: {
    id: 'HS027',
    slug: 'no-authorization-plugin',
    target: 'host',
    severity: 'info',
    title: 'No authorization plugin',
    rationale: 'Without an authorization plugin every client that reaches the socket may do everything (start privileged containers, mount the host). A plugin (bulkhead authz, OPA, casbin, ...) can limit which API calls each client makes; bulkhead authz holds every container to a bulkhead policy.',
    fix: 'If several people or tools share the engine, install one: `bulkhead authz install --policy default` then add "authorization-plugins": ["bulkhead"] to daemon.json (docs/authz.md); otherwise keep socket access to the few who need root anyway.',
    cis: ['2.12'],
  },
  check: (h) => (h.rootless || h.daemon.authorizationPlugins.length > 0 ? [] : [{ message: `engine ${h.endpoint} has no authorization plugin: socket access is full control` }]),
};
