import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, type DockerfileFacts } from '../../dockerfile/facts.js';

export const shellFormEntrypoint: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF025',
    slug: 'shell-form-entrypoint',
    target: 'dockerfile',
    severity: 'low',
    title: 'ENTRYPOINT or CMD in shell form',
    rationale:
      'The shell form runs the program under `/bin/sh -c`, so the shell is PID 1: SIGTERM from `docker stop` never reaches the application, which is killed after the timeout without a clean shutdown. It also needs a shell in the image.',
    fix: 'Use the exec (JSON) form: `ENTRYPOINT ["/app/server", "--port", "8080"]`, or `exec` the program from an entrypoint script.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3025'],
    example: { bad: 'CMD node server.js', good: 'CMD ["node", "server.js"]' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    const stage = facts.finalStage;
    if (!stage) return out;
    for (const instr of stage.instructions) {
      if ((instr.keyword !== 'CMD' && instr.keyword !== 'ENTRYPOINT') || instr.json || instr.args === '') continue;
      out.push({ message: `${instr.keyword} in shell form: the shell, not the program, is PID 1 and gets the signals`, location: at(instr), key: `${instr.keyword}|${instr.args.slice(0, 60)}` });
    }
    return out;
  },
};
