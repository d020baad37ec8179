import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const socketGroupMembers: Rule<HostFacts> = {
  meta: {
    id: 'HS012',
    slug: 'socket-group-members',
    target: 'host',
    severity: 'low',
    title: 'Users who control the engine through its socket group',
    rationale:
      'Every member of the group that owns the engine socket (usually docker) can start a privileged container and is therefore root on the host without a password or an audit trail. Each member should be someone you would give root to.',
    fix: 'Remove users who do not need the engine from the group (gpasswd -d USER docker); give others sudo-audited access or a rootless engine of their own.',
    cis: ['1.1.2'],
  },
  checkable: (h) => h.socket !== undefined,
  check: (h) => {
    const s = h.socket;
    if (!s || h.rootless || s.gid === 0) return [];
    return s.groupMembers.map((m) => ({ message: `user ${m} is in group ${s.group}, which owns the engine socket: root-equivalent`, key: m }));
  },
};
