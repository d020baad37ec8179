import type { Rule } from '../rule.js';
import { at, commandLine, operands, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

/** Does a chmod mode add the setuid or setgid bit? Octal 4xxx/2xxx/6xxx, or symbolic u+s / g+s / +s. */
export function addsSetuidOrSetgid(mode: string): boolean {
  if (/^[0-7]{4,5}$/.test(mode)) return (parseInt(mode, 8) & 0o6000) !== 0;
  return mode.split(',').some((clause) => /^[ugoa]*[+=][rwxXst]*s/.test(clause) && !/^o+[+=]/.test(clause));
}

export const chmodSetuid: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF004',
    slug: 'chmod-setuid',
    target: 'dockerfile',
    severity: 'high',
    title: 'chmod sets the setuid or setgid bit',
    rationale:
      'A setuid/setgid binary runs with its owner\'s privileges whoever starts it. Adding one to an image gives an unprivileged container process a way to become root (or join a privileged group) through any bug in that binary.',
    fix: 'Remove the setuid/setgid bit (`chmod u-s,g-s`). If a program needs one privilege, grant a capability at run time instead, and run with no-new-privileges.',
    cis: ['4.8'],
    example: { bad: 'RUN chmod u+s /usr/local/bin/helper', good: 'RUN chmod 0755 /usr/local/bin/helper' },
  },
  check(facts) {
    const out = [];
    for (const { instr, cmd } of runCommands(facts)) {
      if (cmd.name !== 'chmod') continue;
      const [mode, ...paths] = operands(cmd.args);
      if (mode && addsSetuidOrSetgid(mode)) {
        out.push({ message: `chmod ${mode} sets the setuid/setgid bit on ${paths.join(' ') || 'a file'}`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${mode} ${paths.join(' ')}` });
      }
    }
    return out;
  },
};
