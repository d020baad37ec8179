import type { Rule } from '../rule.js';
import { at, commandLine, operands, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

export function makesWorldWritable(mode: string): boolean {
  if (/^[0-7]{3,5}$/.test(mode)) return (parseInt(mode, 8) & 0o002) !== 0;
  return mode.split(',').some((clause) => /^[ugoa]*[oa][ugoa]*[+=][rwxXst]*w/.test(clause) || /^[+=][rwxXst]*w/.test(clause));
}

export const chmodWorldWritable: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF005',
    slug: 'chmod-world-writable',
    target: 'dockerfile',
    severity: 'medium',
    title: 'chmod makes paths world-writable (777, o+w)',
    rationale:
      'World-writable files and directories let any user in the container replace programs, configuration or data another (possibly more privileged) process trusts. `chmod 777` is usually a shortcut around an ownership problem.',
    fix: 'Give the files to the user that needs them (`COPY --chown=app:app` or `chown`), with modes like 0755 for directories and 0644 for files.',
    example: { bad: 'RUN chmod -R 777 /app', good: 'COPY --chown=app:app . /app' },
  },
  check(facts) {
    const out = [];
    for (const { instr, cmd } of runCommands(facts)) {
      if (cmd.name !== 'chmod') continue;
      const [mode, ...paths] = operands(cmd.args);
      if (mode && makesWorldWritable(mode) && !paths.every((p) => p === '/tmp' || p === '/var/tmp')) {
        out.push({ message: `chmod ${mode} makes ${paths.join(' ') || 'a path'} world-writable`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${mode} ${paths.join(' ')}` });
      }
    }
    return out;
  },
};
