import type { Rule } from '../rule.js';
import type { HostFacts } from '../../host/facts.js';
import { binaryName, sandboxKind, type EngineRuntime } from '../../../engine/runtimes.js';

/**
 * OCI runtimes whose confinement is known: runc and the runtimes built to replace it (crun,
 * youki), wrappers that hand the same spec to runc (NVIDIA's, docker-runc of old engines, Sysbox).
 */
const RUNC_LIKE = new Set(['runc', 'docker-runc', 'crun', 'youki', 'nvidia-container-runtime', 'sysbox-runc']);
const RUNC_SHIM = /^io\.containerd\.runc\.v\d+$/;

function known(r: EngineRuntime): boolean {
  if (sandboxKind(r) !== undefined) return true;
  if (r.runtimeType !== undefined && RUNC_SHIM.test(r.runtimeType)) return true;
  return RUNC_LIKE.has(binaryName(r));
}

export const defaultRuntimeUnknown: Rule<HostFacts> = {
  meta: {
    id: 'HS036',
    slug: 'default-runtime-unknown',
    target: 'host',
    severity: 'low',
    title: 'Default runtime not a known OCI runtime',
    rationale:
      'The default runtime starts every container that does not ask for another, and it is what applies the namespaces, capabilities, seccomp profile, AppArmor profile and cgroup limits the engine passes it. A binary this audit does not recognise (a home-grown wrapper, a runtime made for something else) may drop any of them, and nothing in `docker inspect` would show it; a default that is not among the registered runtimes leaves every container that does not name a runtime unable to start.',
    fix: 'Set "default-runtime" in daemon.json to runc (or another runtime you have reviewed: crun, runsc with --oci-seccomp) and register other runtimes by name for the containers that need them (`docker run --runtime NAME`); if the binary is a wrapper you trust, turn this rule off for this host in .bulkhead.yaml.',
    cis: [],
    references: ['https://docs.docker.com/engine/alternative-runtimes/'],
    example: { bad: '"default-runtime": "custom", "runtimes": {"custom": {"path": "/opt/bin/my-runtime"}}', good: '"default-runtime": "runc"' },
  },
  checkable: (h) => h.runtimes?.defaultRuntime !== undefined,
  check: (h) => {
    const name = h.runtimes?.defaultRuntime;
    if (name === undefined) return [];
    const r = h.runtimes?.registered[name];
    if (!r) return [{ message: `the default runtime "${name}" is not among the registered runtimes (${Object.keys(h.runtimes?.registered ?? {}).sort().join(', ') || 'none'})`, key: name }];
    if (known(r)) return [];
    const what = r.path ?? r.runtimeType ?? 'no path';
    return [{ message: `the default runtime "${name}" is ${what}, not a runtime this audit knows (runc, crun, youki, runsc, Kata): every container without --runtime runs under it`, key: name }];
  },
};
