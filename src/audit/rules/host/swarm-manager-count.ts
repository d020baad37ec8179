import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

/** Docker's administration guide: an odd number of managers, and no more than seven. */
const MAX_MANAGERS = 7;

export const swarmManagerCount: Rule<HostFacts> = {
  meta: {
    id: 'HS030',
    slug: 'swarm-manager-count',
    target: 'host',
    severity: 'low',
    title: 'Swarm manager count not odd or above seven',
    rationale:
      'Managers keep the cluster state with Raft, which needs a majority: an even number of managers tolerates no more failures than one fewer and adds a node that holds every secret of the swarm, and more than seven slows every decision without adding real fault tolerance. Each extra manager is one more host whose compromise hands over the whole cluster.',
    fix: 'Run an odd number of managers, the fewest that give the fault tolerance you need (3 tolerate one failure, 5 two); demote the others: `docker node demote NODE`.',
    cis: ['7.1'],
    references: ['https://docs.docker.com/engine/swarm/admin_guide/#add-manager-nodes-for-fault-tolerance'],
    example: { bad: '4 managers (docker node promote on a fourth node)', good: '3 managers' },
  },
  check: (h) => {
    const n = h.swarm?.managers;
    if (n === undefined || n === 0) return [];
    if (n > MAX_MANAGERS) return [{ message: `the swarm has ${n} managers, more than ${MAX_MANAGERS}: each one holds the cluster state and its secrets` }];
    if (n % 2 === 0) return [{ message: `the swarm has ${n} managers, an even number: it tolerates no more manager failures than ${n - 1} managers would` }];
    return [];
  },
};
