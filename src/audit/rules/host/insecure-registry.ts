import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const insecureRegistry: Rule<HostFacts> = {
  meta: {
    id: 'HS010',
    slug: 'insecure-registry',
    target: 'host',
    severity: 'medium',
    title: 'Insecure registry configured',
    rationale: 'Images pulled from an insecure registry travel over plain HTTP or unverified TLS: anyone on the path can replace them with an image of their choice, which then runs on this host.',
    fix: 'Remove the entry from "insecure-registries" and give the registry a certificate the host trusts (/etc/docker/certs.d/HOST:PORT/ca.crt).',
    cis: ['2.5'],
    example: { bad: '{ "insecure-registries": ["registry.internal:5000"] }', good: '{}' },
  },
  check: (h) => h.daemon.insecureRegistries.map((r) => ({ message: `engine ${h.endpoint} trusts insecure registry ${r}`, key: r })),
};
