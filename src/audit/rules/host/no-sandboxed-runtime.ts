import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';
import { sandboxKind } from '../../../engine/runtimes.js';

export const noSandboxedRuntime: Rule<HostFacts> = {
  meta: {
    id: 'HS034',
    slug: 'no-sandboxed-runtime',
    target: 'host',
    severity: 'info',
    title: 'No sandboxed runtime (gVisor, Kata) registered',
    rationale:
      'Every container on this engine shares the host kernel: namespaces, capabilities and seccomp narrow what it can ask of that kernel, but one kernel bug reachable through the calls it is allowed is a way out. A sandboxed runtime puts another kernel in between (gVisor\'s user-space kernel, or a Kata VM), which is what untrusted code should run behind. `bulkhead run --policy sandboxed` needs gVisor and is refused (exit 122) without it. Information only: many hosts never run untrusted code. Only registered runtimes are seen: a containerd shim that dockerd 23+ finds on its PATH (`docker run --runtime io.containerd.runsc.v1`) is not listed in GET /info, and `bulkhead run` does not use one.',
    fix: 'Install gVisor\'s runsc (Debian: `apt-get install runsc`) and register it in /etc/docker/daemon.json with `"runtimes": {"runsc": {"path": "/usr/bin/runsc", "runtimeArgs": ["--oci-seccomp"]}}`, then reload the engine (SIGHUP, or restart it; a dockerd 20.10 reload drops its io.containerd.runc.v2 and io.containerd.runtime.v1.linux aliases, so declare them beside it with path runc). `scripts/engine` does all this, see docs/run.md, section "gVisor", for the flags and what was measured. Then run untrusted code with `bulkhead run --policy sandboxed`. Kata Containers is the VM-based alternative.',
    cis: [],
    references: ['https://gvisor.dev/docs/user_guide/install/', 'https://docs.docker.com/engine/alternative-runtimes/', 'https://katacontainers.io/'],
    example: { bad: '"runtimes": {} (runc only)', good: '"runtimes": {"runsc": {"path": "/usr/bin/runsc", "runtimeArgs": ["--oci-seccomp"]}}' },
  },
  checkable: (h) => h.runtimes !== undefined,
  check: (h) => {
    const registered = h.runtimes?.registered;
    if (!registered) return [];
    if (Object.values(registered).some((r) => sandboxKind(r) !== undefined)) return [];
    const names = Object.keys(registered).sort();
    return [{ message: `engine ${h.endpoint} has no sandboxed runtime registered (${names.length ? `only ${names.join(', ')}` : 'none listed'}): every container shares the host kernel, and --policy sandboxed is refused` }];
  },
};
