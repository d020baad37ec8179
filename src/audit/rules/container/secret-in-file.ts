import type { Rule } from '../rule.js';
import type { ContainerFacts } from '../../container/facts.js';

export const secretInFile: Rule<ContainerFacts> = {
  meta: {
    id: 'CT026',
    slug: 'secret-in-file',
    target: 'container',
    severity: 'high',
    title: 'Secret in container file',
    rationale:
      "A token, key or password written into the container's writable layer outlives the process that wrote it: it is included by docker commit and docker export, read by anyone with Engine API access, and survives restarts of the container.",
    fix: 'Remove the file, rotate the secret, and hand secrets to the container as mounted secret files on tmpfs rather than writing them to its filesystem.',
    cis: ['4.10'],
    example: { bad: "docker exec app sh -c 'echo ghp_... > /srv/token'" },
  },
  checkable: (c) => c.files !== undefined,
  check: (c) =>
    (c.files?.secrets ?? []).map((s) => ({
      message: `container ${c.name} has ${s.kind} in ${s.path}${s.line !== undefined ? `:${s.line}` : ''} (${s.origin === 'filesystem' ? 'in its filesystem' : `${s.origin} at run time`})`,
      location: s.line !== undefined ? { path: s.path, line: s.line } : { path: s.path },
      evidence: s.evidence,
      severity: s.severity,
      key: `${s.path}\u0000${s.kind}\u0000${s.evidence}`,
    })),
};
