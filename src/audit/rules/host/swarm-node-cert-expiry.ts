import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

/** swarmkit's default node certificate lifetime (90 days); longer means a stolen node certificate lasts longer. */
const DEFAULT_EXPIRY_SECONDS = 90 * 24 * 3600;

export const swarmNodeCertExpiry: Rule<HostFacts> = {
  meta: {
    id: 'HS033',
    slug: 'swarm-node-cert-expiry',
    target: 'host',
    severity: 'low',
    title: 'Swarm node certificates rotated less often than every 90 days',
    rationale:
      "Every node authenticates to the managers with a certificate the swarm CA issues and renews before it expires. A node certificate copied off a node stays usable until it expires: a lifetime longer than swarmkit's default of 90 days keeps a stolen one valid for longer.",
    fix: 'Set node certificates to 90 days or less: `docker swarm update --cert-expiry 2160h` (or shorter); rotate the CA itself when it may be compromised (`docker swarm ca --rotate`).',
    cis: ['7.7'],
    example: { bad: 'docker swarm update --cert-expiry 8760h', good: 'docker swarm update --cert-expiry 720h' },
  },
  check: (h) => {
    const s = h.swarm?.nodeCertExpirySeconds;
    if (s === undefined || s <= DEFAULT_EXPIRY_SECONDS) return [];
    return [{ message: `swarm node certificates last ${Math.round(s / 86400)} days before they are renewed, longer than 90` }];
  },
};
