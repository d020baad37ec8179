import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const pipeWithoutPipefail: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF035',
    slug: 'pipe-without-pipefail',
    target: 'dockerfile',
    severity: 'low',
    title: 'RUN with a pipe but no pipefail',
    rationale:
      'A RUN succeeds when the last command of a pipeline does: in `curl -fsSL url | tar xz` a failed download still yields a "successful" layer with missing or partial content, and verification steps in the middle of a pipe are silently ignored.',
    fix: 'Start the stage with `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (or `set -o pipefail &&` in the RUN, where the shell supports it).',
    references: ['https://github.com/hadolint/hadolint/wiki/DL4006'],
    example: { bad: 'RUN wget -qO- https://example.com/x.tgz | tar xz', good: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -qO- https://example.com/x.tgz | tar xz' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      if (!instr.shell || instr.json || !instr.shell.hasPipe || instr.shell.pipefail) continue;
      out.push({ message: 'RUN pipes commands without pipefail: a failure before the last command is ignored', location: at(instr), key: `${instr.stage?.label}|${instr.args.slice(0, 60)}` });
    }
    return out;
  },
};
