import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const baseImageLatest: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF006',
    slug: 'base-image-latest',
    target: 'dockerfile',
    severity: 'medium',
    title: 'Base image has no tag or uses latest',
    rationale:
      '`FROM node` or `FROM node:latest` builds on whatever the registry serves that day: a new major version, a different distribution, or a compromised push. Builds stop being reproducible and reviewable.',
    fix: 'Name an explicit version tag (`FROM node:22.11-bookworm-slim`), and preferably pin its digest too (`@sha256:...`).',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3006', 'https://github.com/hadolint/hadolint/wiki/DL3007'],
    example: { bad: 'FROM python:latest', good: 'FROM python:3.13-slim-bookworm' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const stage of facts.stages) {
      const from = stage.from;
      if (from.stageRef || from.scratch || from.unresolved || from.digest || from.resolved === '') continue;
      const fromInstr = stage.instructions[0]!;
      if (from.tag === undefined) out.push({ message: `base image ${from.resolved} has no tag (means latest)`, location: at(fromInstr), key: `${stage.label}|${from.repository}` });
      else if (from.tag.toLowerCase() === 'latest') out.push({ message: `base image ${from.resolved} uses the latest tag`, location: at(fromInstr), key: `${stage.label}|${from.repository}` });
    }
    return out;
  },
};
