import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

const APT = new Set(['apt-get', 'apt']);

export const aptUpdateAlone: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF019',
    slug: 'apt-update-alone',
    target: 'dockerfile',
    severity: 'low',
    title: 'apt-get update without install in the same RUN',
    rationale:
      'Docker caches each RUN as a layer. An `apt-get update` in its own RUN is cached forever, so a later `apt-get install` layer installs from stale package lists: old versions, missed security fixes, or 404s.',
    fix: 'Update and install in one RUN: `RUN apt-get update && apt-get install -y --no-install-recommends pkg && rm -rf /var/lib/apt/lists/*`.',
    cis: ['4.7'],
    example: { bad: 'RUN apt-get update\nRUN apt-get install -y curl', good: 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      const cmds = instr.shell?.commands ?? [];
      const update = cmds.find((c) => APT.has(c.name) && c.args.includes('update'));
      if (!update) continue;
      const installs = cmds.some((c) => APT.has(c.name) && c.args.some((a) => a === 'install' || a === 'upgrade' || a === 'dist-upgrade' || a === 'full-upgrade' || a === 'build-dep'));
      if (!installs) out.push({ message: 'apt-get update in a RUN that installs nothing: the lists are cached stale for later layers', location: at(instr), key: `${instr.stage?.label}|${instr.args.slice(0, 60)}` });
    }
    return out;
  },
};
