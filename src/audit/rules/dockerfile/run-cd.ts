import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, type DockerfileFacts } from '../../dockerfile/facts.js';

export const runCd: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF029',
    slug: 'run-cd',
    target: 'dockerfile',
    severity: 'low',
    title: 'RUN cd instead of WORKDIR',
    rationale: '`cd` in a RUN only lasts for that RUN; later instructions silently run elsewhere, which is easy to misread and breaks when steps are reordered.',
    fix: 'Use `WORKDIR /path` before the commands that need it.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3003'],
    example: { bad: 'RUN cd /app && make', good: 'WORKDIR /app\nRUN make' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      // heredoc scripts are whole scripts: a cd inside them is ordinary shell
      if (!instr.shell || instr.heredocs.length) continue;
      const first = instr.shell.commands.find((c) => c.name === 'cd' && c.argv[0] === 'cd' && !c.nested);
      if (first) out.push({ message: `RUN cd ${first.args[0] ?? ''}: use WORKDIR`, location: at(instr, commandLine(instr, first)), key: `${instr.stage?.label}|cd ${first.args[0] ?? ''}|${instr.args.slice(0, 40)}` });
    }
    return out;
  },
};
