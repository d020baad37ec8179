import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

/** Executable names of SSH servers (ps comm): OpenSSH's sshd and Dropbear. */
const SSH_SERVERS: readonly string[] = ['sshd', 'dropbear'];

export const sshdRunning: Rule<ContainerFacts> = {
  meta: {
    id: 'CT032',
    slug: 'sshd-running',
    target: 'container',
    severity: 'medium',
    title: 'SSH server running inside the container',
    rationale:
      'An SSH server in a container is one more network service to patch, with its own keys and passwords to manage, and a way in that bypasses the engine: sessions are not `docker exec` calls, so the engine API, its authorization plugins and its audit trail never see them.',
    fix: 'Remove the SSH server from the image and its entrypoint; use `docker exec` (or a debug sidecar sharing the container PID namespace) to get a shell, and copy files with `docker cp`.',
    cis: ['5.7'],
    example: { bad: 'docker run -d -p 2222:22 image-with-sshd /usr/sbin/sshd -D', good: 'docker run -d app && docker exec -it CONTAINER sh' },
  },
  // The processes come from the engine's top, which keeps the container's cgroup: a container
  // with --pid host lists its own processes only, never the host's sshd (nor this check's own ps).
  check: (c) => {
    if (!c.processes.known) return [];
    const byName = new Map<string, number[]>();
    for (const p of c.processes.list) if (SSH_SERVERS.includes(p.executable)) byName.set(p.executable, [...(byName.get(p.executable) ?? []), p.pid]);
    return [...byName].map(([name, pids]) => ({ message: `container ${c.name} runs an SSH server: ${name} (host pid ${pids.join(', ')})`, key: name }));
  },
};
