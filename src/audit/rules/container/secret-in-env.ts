import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { classifyAssignment } from '../../secrets/index.js';

export const secretInEnv: Rule<ContainerFacts> = {
  meta: {
    id: 'CT024',
    slug: 'secret-in-env',
    target: 'container',
    severity: 'high',
    title: 'Secret in container environment',
    rationale:
      'Environment variables are readable by anyone who can inspect the container (docker inspect, the Engine API, /proc/PID/environ on the host), are inherited by every child process and end up in crash dumps and debug logs. A token or password there leaks far more easily than a mounted secret file.',
    fix: 'Pass secrets as files (Docker/Compose secrets mounted under /run/secrets, read by a *_FILE variable) and rotate the exposed value.',
    references: ['https://docs.docker.com/engine/swarm/secrets/'],
    cis: ['4.10'],
    example: { bad: 'docker run -d -e GITHUB_TOKEN=ghp_... app', good: 'docker run -d -v ./token:/run/secrets/github_token:ro -e GITHUB_TOKEN_FILE=/run/secrets/github_token app' },
  },
  check: (c) =>
    c.env.flatMap(({ name, value }) => {
      const m = classifyAssignment(name, value);
      if (!m) return [];
      return [
        {
          message: `container ${c.name} has ${m.title.toLowerCase().startsWith('secret-looking') ? 'a secret-looking value' : m.title} in env ${name}`,
          evidence: `${name}=${m.redacted}`,
          severity: m.severity === 'critical' ? ('critical' as const) : undefined,
          key: name,
        },
      ];
    }),
};
