import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const aptListsNotCleaned: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF021',
    slug: 'apt-lists-not-cleaned',
    target: 'dockerfile',
    severity: 'low',
    title: 'apt-get install without removing /var/lib/apt/lists',
    rationale:
      'The package lists fetched by `apt-get update` (tens of MB) stay in the layer unless removed in the same RUN, bloating every image and shipping stale metadata.',
    fix: 'End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a cache mount: `RUN --mount=type=cache,target=/var/lib/apt/lists ...`.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3009'],
    example: {
      bad: 'RUN apt-get update && apt-get install -y --no-install-recommends curl',
      good: 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
    },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      const cmds = instr.shell?.commands ?? [];
      const install = cmds.find((c) => (c.name === 'apt-get' || c.name === 'apt') && c.args.includes('install'));
      if (!install) continue;
      const cleaned = cmds.some((c) => (c.name === 'rm' && c.args.some((a) => a.startsWith('/var/lib/apt/lists'))) || ((c.name === 'apt-get' || c.name === 'apt') && (c.args.includes('clean') || c.args.includes('distclean'))));
      const cacheMount = instr.flags.some((f) => f.name === 'mount' && /type=cache/.test(f.value ?? '') && /\/var\/lib\/apt/.test(f.value ?? ''));
      // the lists only matter in the image that ships; a build stage is thrown away
      if (!cleaned && !cacheMount && instr.stage?.isFinal !== false) {
        out.push({ message: 'apt-get install leaves /var/lib/apt/lists in the layer', location: at(instr), key: `${instr.stage?.label}|${install.args.join(' ')}` });
      }
    }
    return out;
  },
};
