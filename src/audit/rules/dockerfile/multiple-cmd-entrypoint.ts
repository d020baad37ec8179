import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const multipleCmdEntrypoint: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF026',
    slug: 'multiple-cmd-entrypoint',
    target: 'dockerfile',
    severity: 'low',
    title: 'More than one CMD or ENTRYPOINT in a stage',
    rationale: 'Only the last CMD and the last ENTRYPOINT of a stage take effect. Earlier ones are dead code that misleads readers about what the container runs.',
    fix: 'Keep a single CMD and a single ENTRYPOINT per stage.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL4003', 'https://github.com/hadolint/hadolint/wiki/DL4004'],
    example: { bad: 'CMD ["node", "a.js"]\nCMD ["node", "b.js"]', good: 'CMD ["node", "b.js"]' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const stage of facts.stages) {
      for (const keyword of ['CMD', 'ENTRYPOINT']) {
        const all = stage.instructions.filter((i) => i.keyword === keyword);
        for (const extra of all.slice(0, -1)) out.push({ message: `${keyword} at line ${extra.line} is overridden by the one at line ${all.at(-1)!.line}`, location: at(extra), key: `${stage.label}|${keyword}|${extra.args.slice(0, 60)}` });
      }
    }
    return out;
  },
};
