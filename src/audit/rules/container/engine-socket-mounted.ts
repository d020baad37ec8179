import { basename } from 'node:path/posix';
import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';
import { cleanHostPath } from '../../container/predicates.js';

/** Sockets that control a container engine, by file name. */
export const ENGINE_SOCKETS = ['docker.sock', 'containerd.sock', 'crio.sock', 'podman.sock', 'dockershim.sock', 'cri-dockerd.sock', 'buildkitd.sock'];
/** Directories that hold those sockets: mounting one mounts the socket. */
export const ENGINE_SOCKET_DIRS = ['/run', '/var/run', '/run/docker', '/var/run/docker', '/run/containerd', '/var/run/containerd', '/run/crio', '/var/run/crio', '/run/podman', '/var/run/podman', '/run/buildkit'];

export function isEngineSocketSource(source: string): boolean {
  const s = cleanHostPath(source);
  if (ENGINE_SOCKETS.includes(basename(s))) return true;
  if (ENGINE_SOCKET_DIRS.includes(s)) return true;
  return /^\/(?:var\/)?run\/.*\.sock$/.test(s);
}

export const engineSocketMounted: Rule<ContainerFacts> = {
  meta: {
    id: 'CT004',
    slug: 'engine-socket-mounted',
    target: 'container',
    severity: 'critical',
    title: 'Container engine socket mounted',
    rationale:
      'Whoever can write to docker.sock (or containerd.sock, crio.sock, podman.sock) can start a privileged container with the host root mounted: a container holding the socket is root on the host, read-only mount or not.',
    fix: 'Remove the socket mount. Tools that need the engine should talk to a filtering proxy that allows only the API calls they need, or run outside containers.',
    references: ['https://docs.docker.com/engine/security/#docker-daemon-attack-surface'],
    cis: ['5.32'],
    example: { bad: 'docker run -d -v /var/run/docker.sock:/var/run/docker.sock:ro portainer/agent', good: 'docker run -d -e DOCKER_HOST=tcp://socket-proxy:2375 portainer/agent' },
  },
  check: (c) =>
    c.mounts
      .filter((m) => m.type === 'bind' && isEngineSocketSource(m.source))
      .map((m) => ({
        message: `container ${c.name} mounts the engine socket ${m.source} at ${m.destination}${m.rw ? '' : ' (read-only does not help: the API still answers)'}`,
        location: { path: m.destination },
        key: m.source,
      })),
};
