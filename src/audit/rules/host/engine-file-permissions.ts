import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';
import { CONTAINERD_SOCKET, ENGINE_FILES, REGISTRY_CERTS, TLS_FILES } from '../../host/engine-files.js';

export const engineFilePermissions: Rule<HostFacts> = {
  meta: {
    id: 'HS021',
    slug: 'engine-file-permissions',
    target: 'host',
    severity: 'medium',
    title: 'Engine files not owned by root or too open',
    rationale:
      "The engine's systemd units, /etc/docker, /etc/default/docker (/etc/sysconfig/docker on Red Hat systems), the containerd socket and the TLS certificate and key decide how the engine starts and who may talk to it; the registry certificates under /etc/docker/certs.d decide which registries it trusts; the OCI runtime binaries registered with it (runc, runsc, ...) run as root at every container start. Anyone who can write them (or read a private key) controls the engine at its next start (a runtime binary: at the next container start), impersonates it, or serves it images from a registry of their own.",
    fix: 'chown root:root on each file, and chmod it to the mode shown (644 for unit files, /etc/default/docker and /etc/sysconfig/docker, 755 for /etc/docker, 660 for containerd.sock, 444 for certificates, 400 for the TLS key, 755 for runtime binaries such as /usr/bin/runc and /usr/bin/runsc; under /etc/docker/certs.d 444 for certificates, 400 for *.key files, 755 for directories).',
    cis: [...new Set([...ENGINE_FILES.flatMap((f) => f.cis), ...CONTAINERD_SOCKET.cis, ...REGISTRY_CERTS.cis, ...TLS_FILES.flatMap((t) => t.cis)])],
  },
  checkable: (h) => h.engineFiles !== undefined,
  check: (h) =>
    (h.engineFiles ?? []).flatMap((f) => {
      const out = [];
      const mode = (f.mode & 0o777).toString(8).padStart(3, '0');
      if (f.rootOwned && (f.uid !== 0 || f.gid !== 0)) out.push({ message: `${f.path} is owned by ${f.uid}:${f.gid}, not root:root`, location: { path: f.path }, key: `${f.path}:owner` });
      if ((f.mode & 0o7777 & ~f.maxMode) !== 0) {
        out.push({ message: `${f.path} has mode ${mode}, wider than ${f.maxMode.toString(8)}`, location: { path: f.path }, key: `${f.path}:mode` });
      }
      return out;
    }),
};
