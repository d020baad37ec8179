import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type BaseImage, type DockerfileFacts } from '../../dockerfile/facts.js';

/** `node:22` and `library/node` live on docker.io; `ghcr.io/org/x` on ghcr.io. */
export function registryPath(from: BaseImage): string {
  const registry = from.registry ?? 'docker.io';
  const repo = !from.registry && !from.repository.includes('/') ? `library/${from.repository}` : from.repository;
  return `${registry}/${repo}`;
}

/** A trusted entry is a registry host, optionally with a namespace prefix: `docker.io/library`, `ghcr.io/acme`. */
export function isTrusted(path: string, trusted: readonly string[]): boolean {
  return trusted.some((t) => {
    const entry = t.replace(/\/+$/, '').toLowerCase();
    return path === entry || path.startsWith(`${entry}/`);
  });
}

export const untrustedRegistry: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF034',
    slug: 'untrusted-registry',
    target: 'dockerfile',
    severity: 'medium',
    title: 'Base image from a registry not in trustedRegistries',
    rationale:
      'Base images decide most of what ships. When a project lists the registries it trusts (its own mirror, vetted namespaces), a FROM outside that list pulls code nobody reviewed. Fires only when `.bulkhead.yaml` sets trustedRegistries.',
    fix: 'Use an image from a trusted registry (mirror it there first), or add the registry to `trustedRegistries` in .bulkhead.yaml after review.',
    cis: ['4.2'],
    example: { bad: '# .bulkhead.yaml: trustedRegistries: [registry.example.com]\nFROM randomuser/node-tools:1.0', good: 'FROM registry.example.com/base/node:22' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const trusted = facts.settings.trustedRegistries;
    if (trusted.length === 0) return out;
    for (const stage of facts.stages) {
      const from = stage.from;
      if (from.stageRef || from.scratch || from.unresolved || from.resolved === '') continue;
      const path = registryPath(from);
      if (!isTrusted(path, trusted)) out.push({ message: `base image ${from.resolved} (${path}) is not from a trusted registry`, location: at(stage.instructions[0]!), key: `${stage.label}|${path}` });
    }
    return out;
  },
};
