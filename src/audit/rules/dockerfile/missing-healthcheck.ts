import type { Rule } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const missingHealthcheck: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF030',
    slug: 'missing-healthcheck',
    target: 'dockerfile',
    severity: 'info',
    title: 'Final stage has no HEALTHCHECK',
    rationale: 'Without a HEALTHCHECK the engine only knows whether the process exists, not whether it works; a hung service keeps receiving traffic and is never restarted.',
    fix: 'Add a HEALTHCHECK to the final stage (e.g. `HEALTHCHECK CMD ["/app/healthcheck"]`), or `HEALTHCHECK NONE` to state that the orchestrator probes it instead.',
    cis: ['4.6'],
    example: { bad: 'FROM nginx:1.27\nCOPY site /usr/share/nginx/html', good: 'FROM nginx:1.27\nCOPY site /usr/share/nginx/html\nHEALTHCHECK CMD ["curl", "-fsS", "http://localhost/"]' },
  },
  check(facts) {
    const stage = facts.finalStage;
    if (!stage || stage.instructions.some((i) => i.keyword === 'HEALTHCHECK')) return [];
    // FROM <earlier stage> inherits that stage's HEALTHCHECK
    for (let p = stage.from.stageRef; p; p = p.from.stageRef) if (p.instructions.some((i) => i.keyword === 'HEALTHCHECK')) return [];
    return [{ message: 'final stage has no HEALTHCHECK', location: at(stage.instructions[0]!), key: 'no-healthcheck' }];
  },
};
