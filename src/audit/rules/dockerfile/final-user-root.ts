import type { Rule } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

const ROOT = /^(root|0)(:.*)?$/i;

export const finalUserRoot: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF001',
    slug: 'final-user-root',
    target: 'dockerfile',
    severity: 'high',
    title: 'Final stage runs as root',
    rationale:
      'Without a USER instruction (or with USER root / 0 last) the container process runs as uid 0. Root inside a container is root on the host kernel: any escape, mounted socket or writable host path becomes host root. Only the final stage matters, since build stages never run in production.',
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
      // FROM <earlier stage> inherits that stage's USER
      let parent = stage.from.stageRef;
      while (parent) {
        const inherited = parent.instructions.filter((i) => i.keyword === 'USER').at(-1);
        if (inherited) return ROOT.test(inherited.words[0] ?? '') ? [{ message: `final stage inherits USER ${inherited.words[0]} from stage ${parent.label}`, location: at(stage.instructions[0]!), key: 'inherited-root' }] : [];
        parent = parent.from.stageRef;
      }
      // distroless :nonroot and Chainguard images set a non-root user in their config: only say so
      if (/nonroot/i.test(stage.from.tag ?? '') || stage.from.registry === 'cgr.dev') {
        return [{ message: `final stage has no USER and relies on ${stage.from.resolved} running as non-root; state it with USER 65532`, location: at(stage.instructions[0]!), severity: 'info', key: 'no-user' }];
      }
      return [{ message: 'final stage has no USER instruction, so the container runs as root', location: at(stage.instructions[0]!), key: 'no-user' }];
    }
    const who = last.words[0] ?? '';
    if (ROOT.test(who)) return [{ message: `the last USER of the final stage is ${who}: the container runs as root`, location: at(last), key: 'root' }];
    return [];
  },
};
