import type { Rule } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const relativeWorkdir: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF028',
    slug: 'relative-workdir',
    target: 'dockerfile',
    severity: 'low',
    title: 'WORKDIR is a relative path',
    rationale: 'A relative WORKDIR resolves against whatever the previous WORKDIR (possibly inherited from the base image) was, so the directory files land in can change when the base image changes.',
    fix: 'Use an absolute path: `WORKDIR /app`.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3000'],
    example: { bad: 'WORKDIR app', good: 'WORKDIR /app' },
  },
  check(facts) {
    return facts.instructions
      .filter((i) => i.keyword === 'WORKDIR' && i.args !== '' && !/^(["']?)(\/|\$|[A-Za-z]:[\\/])/.test(i.args))
      .map((i) => ({ message: `WORKDIR ${i.args} is relative`, location: at(i), key: `${i.stage?.label}|${i.args}` }));
  },
};
