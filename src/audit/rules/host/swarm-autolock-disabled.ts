import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const swarmAutolockDisabled: Rule<HostFacts> = {
  meta: {
    id: 'HS032',
    slug: 'swarm-autolock-disabled',
    target: 'host',
    severity: 'medium',
    title: 'Swarm managers not auto-locked',
    rationale:
      "A manager keeps the Raft log (the cluster state and every swarm secret) encrypted with a key stored next to it on disk. Without auto-lock, whoever copies a manager's data root, or steals its disk or a backup, decrypts every secret; with auto-lock a restarted manager needs the unlock key, which is kept off the host.",
    fix: 'Turn auto-lock on (`docker swarm update --autolock=true`), store the unlock key it prints somewhere safe off the managers, and rotate it from time to time (`docker swarm unlock-key --rotate`).',
    cis: ['7.5'],
    example: { bad: 'docker swarm init', good: 'docker swarm init --autolock' },
  },
  check: (h) => (h.swarm?.autoLock === false ? [{ message: `swarm manager ${h.endpoint} is not auto-locked: its Raft key is on its disk` }] : []),
};
