import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { factKnown, securityOptValue } from '../../container/predicates.js';

export const seccompUnconfined: Rule<ContainerFacts> = {
  meta: {
    id: 'CT016',
    slug: 'seccomp-unconfined',
    target: 'container',
    severity: 'high',
    title: 'Seccomp disabled',
    rationale:
      "The engine's default seccomp profile blocks about 50 system calls (keyctl, add_key, unshare in some forms, kexec, open_by_handle_at, ...) that many kernel exploits and escapes need. Running unconfined gives the whole kernel attack surface to the container.",
    fix: 'Remove --security-opt seccomp=unconfined; when a call is missing, use a custom profile that adds only it (bulkhead profile seccomp generates one).',
    cis: ['5.22'],
    example: { bad: 'docker run -d --security-opt seccomp=unconfined app', good: 'docker run -d --security-opt seccomp=./app-seccomp.json app' },
  },
  check: (c) => {
    if (c.privileged) return [];
    if (securityOptValue(c.securityOpt, 'seccomp') === 'unconfined') return [{ message: `container ${c.name} runs with seccomp=unconfined` }];
    if (factKnown(c, 'engine') && !c.engine.seccomp) return [{ message: `container ${c.name} runs without seccomp: the engine has no seccomp support`, key: 'engine' }];
    return [];
  },
};
