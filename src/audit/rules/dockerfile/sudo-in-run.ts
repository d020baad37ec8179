import type { Rule } from '../rule.js';
import { at, commandLine, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

export const sudoInRun: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF002',
    slug: 'sudo-in-run',
    target: 'dockerfile',
    severity: 'medium',
    title: 'RUN uses sudo',
    rationale:
      'RUN already executes as the current USER; sudo in a Dockerfile means either it is unnecessary (already root) or sudo is installed and configured in the image, which gives any process in the container a way back to root and has unpredictable TTY and signal behaviour.',
    fix: 'Drop sudo. Run the privileged steps before switching USER, then switch to the unprivileged user for the rest.',
    references: ['https://github.com/hadolint/hadolint/wiki/DL3004'],
    example: { bad: 'RUN sudo apt-get install -y curl', good: 'USER root\nRUN apt-get install -y curl\nUSER app' },
  },
  // the message names only the command: its arguments may carry tokens
  check(facts) {
    const out = [];
    for (const { instr, cmd } of runCommands(facts)) {
      if (cmd.viaSudo || cmd.name === 'sudo') out.push({ message: `RUN uses sudo (sudo ${cmd.name || '...'})`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${cmd.name} ${cmd.args.join(' ')}` });
    }
    return out;
  },
};
