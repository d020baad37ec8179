import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const baseImageNoDigest: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF007',
    slug: 'base-image-no-digest',
    target: 'dockerfile',
    severity: 'low',
    title: 'Base image not pinned by digest',
    rationale:
      'A tag is a movable name: the registry (or anyone who can push to it) can point `node:22` at different content tomorrow. Only a digest names exact bytes, so a pinned build cannot silently change or be swapped.',
    fix: 'Pin the digest next to the tag, e.g. `FROM node:22-alpine@sha256:<digest>`, and let a bot (Renovate, Dependabot) update it.',
    example: { bad: 'FROM alpine:3.20', good: 'FROM alpine:3.20@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const stage of facts.stages) {
      const from = stage.from;
      if (from.stageRef || from.scratch || from.unresolved || from.digest || from.resolved === '') continue;
      out.push({ message: `base image ${from.resolved} is not pinned by digest`, location: at(stage.instructions[0]!), key: `${stage.label}|${from.repository}` });
    }
    return out;
  },
};
