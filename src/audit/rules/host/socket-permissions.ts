import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';

export const socketPermissions: Rule<HostFacts> = {
  meta: {
    id: 'HS011',
    slug: 'socket-permissions',
    target: 'host',
    severity: 'high',
    title: 'Engine socket ownership or mode too open',
    rationale:
      'Write access to the engine socket is root on the host. It must belong to root and the docker group (or, for a rootless engine, to its user) with mode 660 or stricter; anything wider gives every local user, or every process of some service account, control of the engine.',
    fix: 'chown root:docker on the socket and chmod 660 (systemd: SocketUser=root, SocketGroup=docker, SocketMode=0660 in docker.socket); for a rootless engine keep it 0600 under $XDG_RUNTIME_DIR.',
    cis: ['3.15', '3.16'],
    example: { bad: 'srw-rw-rw- root docker /var/run/docker.sock', good: 'srw-rw---- root docker /var/run/docker.sock' },
  },
  checkable: (h) => h.socket !== undefined,
  check: (h) => {
    const s = h.socket;
    if (!s) return [];
    const out = [];
    const mode = (s.mode & 0o777).toString(8).padStart(3, '0');
    if (s.mode & 0o007) out.push({ message: `engine socket ${s.path} is accessible to every local user (mode ${mode})`, severity: 'critical' as const, key: 'mode-other' });
    else if ((s.mode & 0o777 & ~0o660) !== 0) out.push({ message: `engine socket ${s.path} has mode ${mode}, wider than 660`, key: 'mode' });
    if (h.rootless) {
      if (s.uid !== s.auditUid && s.uid !== 0) out.push({ message: `rootless engine socket ${s.path} belongs to ${s.owner}, not to the engine's user`, key: 'owner' });
    } else {
      if (s.uid !== 0) out.push({ message: `engine socket ${s.path} is owned by ${s.owner}, not root`, key: 'owner' });
      if (s.group !== 'docker' && s.gid !== 0) out.push({ message: `engine socket ${s.path} belongs to group ${s.group}, not docker or root`, key: 'group' });
    }
    return out;
  },
};
