import type { Rule } from '../rule.js';
import { at, type BaseImage, type DfStage, type DockerfileFacts } from '../../dockerfile/facts.js';
import { DEPRECATED_OFFICIAL_IMAGES, KNOWN_REGISTRY_PREFIXES, NONROOT_OFFICIAL_IMAGES, OFFICIAL_ARCH_NAMESPACES, OFFICIAL_IMAGES } from '../../dockerfile/official-images.js';

const ROOT = /^(root|0)(:.*)?$/i;

export const finalUserRoot: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF001',
    slug: 'final-user-root',
    target: 'dockerfile',
    severity: 'high',
    title: 'Final stage runs as root',
    rationale:
      'Without a USER instruction (or with USER root / 0 last) the container process runs as uid 0. Root inside a container is root on the host kernel: any escape, mounted socket or writable host path becomes host root. Only the final stage matters, since build stages never run in production. Without a USER the base image\'s decides: high for Docker official images and known registries (distroless, mcr.microsoft.com, UBI) that run as root; medium, "base image\'s USER unknown", for an image bulkhead cannot see (a local or private name); info for bases known to run as non-root (distroless :nonroot, Chainguard, official images that set a USER).',
    fix: 'Create an unprivileged user and switch to it at the end of the final stage, e.g. `RUN adduser -D -u 10001 app` then `USER 10001:10001`.',
    cis: ['4.1'],
    references: ['https://docs.docker.com/reference/dockerfile/#user', 'https://github.com/hadolint/hadolint/wiki/DL3002'],
    example: { bad: 'FROM node:22-alpine\nCOPY . /app\nCMD ["node", "/app/server.js"]', good: 'FROM node:22-alpine\nCOPY . /app\nUSER node\nCMD ["node", "/app/server.js"]' },
  },
  check(facts) {
    const stage = facts.finalStage;
    if (!stage) return [];
    const users = stage.instructions.filter((i) => i.keyword === 'USER');
    const last = users.at(-1);
    if (!last) {
      // FROM <earlier stage> inherits that stage's USER, or in the end its base image's
      let base: BaseImage = stage.from;
      while (base.stageRef) {
        const parent: DfStage = base.stageRef;
        const inherited = parent.instructions.filter((i) => i.keyword === 'USER').at(-1);
        if (inherited) return ROOT.test(inherited.words[0] ?? '') ? [{ message: `final stage inherits USER ${inherited.words[0]} from stage ${parent.label}`, location: at(stage.instructions[0]!), key: 'inherited-root' }] : [];
        base = parent.from;
      }
      const first = at(stage.instructions[0]!);
      if (base.scratch) return [{ message: 'final stage is FROM scratch with no USER: the container runs as uid 0', location: first, key: 'no-user' }];
      switch (baseUser(base)) {
        case 'nonroot':
          // distroless :nonroot, Chainguard, official images that set a USER: only say so
          return [{ message: `final stage has no USER and relies on ${base.resolved} running as non-root; state it with USER`, location: first, severity: 'info', key: 'no-user' }];
        case 'unknown':
          return [{ message: `final stage has no USER and its base image ${base.resolved || base.text} is not one bulkhead knows: the base image's USER is unknown, so the container may run as root; state it with USER`, location: first, severity: 'medium', key: 'no-user' }];
        default:
          return [{ message: `final stage has no USER instruction and ${base.resolved} runs as root, so the container runs as root`, location: first, key: 'no-user' }];
      }
    }
    const who = last.words[0] ?? '';
    if (ROOT.test(who)) return [{ message: `the last USER of the final stage is ${who}: the container runs as root`, location: at(last), key: 'root' }];
    return [];
  },
};

const OFFICIAL = new Set([...OFFICIAL_IMAGES, ...DEPRECATED_OFFICIAL_IMAGES]);
const NONROOT = new Set(NONROOT_OFFICIAL_IMAGES);
const ARCH_OR_LIBRARY = new RegExp(`^(library|${OFFICIAL_ARCH_NAMESPACES.join('|')})/`);

/**
 * What the base image's own config says about its user: official images and the known
 * registries' images are public (root unless listed or tagged nonroot); a local or private
 * image (`bats-jenkins`, `org/app`, `registry:5000/x`) cannot be seen from the Dockerfile.
 */
export function baseUser(base: BaseImage): 'root' | 'nonroot' | 'unknown' {
  if (base.unresolved || !base.repository) return 'unknown';
  if (/nonroot/i.test(base.tag ?? '') || base.registry === 'cgr.dev') return 'nonroot';
  const full = `${base.registry ? `${base.registry}/` : ''}${base.repository}`;
  const official = !base.registry ? base.repository.replace(ARCH_OR_LIBRARY, '') : KNOWN_REGISTRY_PREFIXES.some((p) => p.endsWith('/library/') && full.startsWith(p)) ? base.name : undefined;
  if (official !== undefined) {
    if (official.includes('/') || !OFFICIAL.has(official)) return 'unknown';
    return NONROOT.has(official) ? 'nonroot' : 'root';
  }
  return KNOWN_REGISTRY_PREFIXES.some((p) => full.startsWith(p)) ? 'root' : 'unknown';
}
