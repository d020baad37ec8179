import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { factKnown, securityOptValue } from '../../container/predicates.js';

export const apparmorUnconfined: Rule<ContainerFacts> = {
  meta: {
    id: 'CT017',
    slug: 'apparmor-unconfined',
    target: 'container',
    severity: 'medium',
    title: 'AppArmor disabled',
    rationale:
      'On AppArmor hosts the engine confines each container with the docker-default profile, which denies writes to /proc and /sys and mounting. A container started with apparmor=unconfined loses that layer. (Hosts without AppArmor are reported by the host audit.)',
    fix: 'Remove --security-opt apparmor=unconfined, or give the container its own profile (bulkhead profile apparmor renders one).',
    cis: ['5.2'],
    example: { bad: 'docker run -d --security-opt apparmor=unconfined app', good: 'docker run -d --security-opt apparmor=docker-default app' },
  },
  check: (c) => {
    if (c.privileged) return [];
    if (securityOptValue(c.securityOpt, 'apparmor') === 'unconfined') return [{ message: `container ${c.name} runs with apparmor=unconfined` }];
    if (factKnown(c, 'engine') && c.engine.apparmor && (c.appArmorProfile === '' || c.appArmorProfile === 'unconfined')) {
      return [{ message: `container ${c.name} has no AppArmor profile although the host supports AppArmor` }];
    }
    return [];
  },
};
