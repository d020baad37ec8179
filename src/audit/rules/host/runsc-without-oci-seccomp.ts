import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';
import { enforcesSeccomp, gvisorRuntimes } from '../../../engine/runtimes.js';

export const runscWithoutOciSeccomp: Rule<HostFacts> = {
  meta: {
    id: 'HS035',
    slug: 'runsc-without-oci-seccomp',
    target: 'host',
    severity: 'medium',
    title: 'gVisor runtime registered without --oci-seccomp',
    rationale:
      'runsc applies a container\'s OCI seccomp profile only when it was started with --oci-seccomp; without it the profile is dropped without an error, so the application\'s system calls reach gVisor\'s kernel unfiltered, whatever docker\'s default profile or a policy asked for. gVisor still stands between the container and the host kernel, but a filter the operator believes in is not there. `bulkhead run` will not use such a runtime for a policy with a generated profile.',
    fix: 'Add "--oci-seccomp" to the runtime\'s runtimeArgs in daemon.json (`"runsc": {"path": "/usr/bin/runsc", "runtimeArgs": ["--oci-seccomp"]}`) and reload the engine; see docs/run.md, section "gVisor".',
    cis: [],
    references: ['https://github.com/google/gvisor/blob/master/runsc/config/flags.go', 'https://gvisor.dev/docs/user_guide/quick_start/docker/'],
    example: { bad: '"runsc": {"path": "/usr/bin/runsc"}', good: '"runsc": {"path": "/usr/bin/runsc", "runtimeArgs": ["--oci-seccomp"]}' },
  },
  checkable: (h) => h.runtimes !== undefined,
  check: (h) => {
    const registered = h.runtimes?.registered ?? {};
    return gvisorRuntimes(registered)
      .filter((name) => !enforcesSeccomp(registered[name]))
      .map((name) => ({
        message: `runtime "${name}" (${registered[name]?.path ?? 'runsc'}) is registered without --oci-seccomp: gVisor ignores the seccomp profile of every container it runs${h.runtimes?.defaultRuntime === name ? ', and it is the default runtime' : ''}`,
        key: name,
      }));
  },
};
