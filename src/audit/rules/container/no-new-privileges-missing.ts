import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { hasNoNewPrivileges } from '../../container/predicates.js';

export const noNewPrivilegesMissing: Rule<ContainerFacts> = {
  meta: {
    id: 'CT018',
    slug: 'no-new-privileges-missing',
    target: 'container',
    severity: 'medium',
    title: 'no-new-privileges not set',
    rationale:
      'Without no-new-privileges a process in the container can gain privileges by executing a setuid or setgid binary (su, a planted setuid shell) or a file with capabilities. Setting it makes execve never grant more than the caller had. (A daemon-wide default, if set, is not visible in the container inspect output; the host audit checks that.)',
    fix: 'Run with --security-opt no-new-privileges (or set "no-new-privileges": true in daemon.json).',
    cis: ['5.26'],
    example: { bad: 'docker run -d app', good: 'docker run -d --security-opt no-new-privileges app' },
  },
  check: (c) => (hasNoNewPrivileges(c.securityOpt) ? [] : [{ message: `container ${c.name} does not set no-new-privileges` }]),
};
