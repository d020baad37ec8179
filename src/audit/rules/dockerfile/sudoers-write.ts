import type { Rule } from '../rule.js';
import { at, commandLine, runCommands, writtenPaths, type DockerfileFacts } from '../../dockerfile/facts.js';

const SUDOERS = /^\/etc\/sudoers(\.d(\/.*)?)?$/;
const WRITERS = new Set(['tee', 'cp', 'mv', 'install', 'sed', 'ln', 'visudo', 'dd']);


export const sudoersWrite: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF003',
    slug: 'sudoers-write',
    target: 'dockerfile',
    severity: 'high',
    title: 'RUN writes to /etc/sudoers',
    rationale:
      'Editing sudoers in an image (typically `ALL=(ALL) NOPASSWD: ALL`) hands every process that runs as that user a password-less path to root, undoing the point of a non-root USER.',
    fix: 'Do not grant sudo in images. Do root work in RUN steps before `USER`, and give the runtime user only the file permissions it needs.',
    example: { bad: "RUN echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers", good: 'RUN chown -R app /srv/data\nUSER app' },
  },
  check(facts) {
    const out = [];
    for (const { instr, cmd } of runCommands(facts)) {
      const redirected = cmd.redirects.some((r) => (r.op === '>' || r.op === '>>' || r.op === '>|') && SUDOERS.test(r.target));
      const written = WRITERS.has(cmd.name) && writtenPaths(cmd).some((a) => SUDOERS.test(a));
      const adduser = (cmd.name === 'usermod' || cmd.name === 'adduser' || cmd.name === 'gpasswd') && cmd.args.some((a) => a === 'sudo' || a === 'wheel');
      if (redirected || written || adduser) {
        out.push({ message: adduser ? `RUN adds a user to the sudo/wheel group (${cmd.name})` : 'RUN writes to /etc/sudoers', location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${cmd.name} ${cmd.args.join(' ')}` });
      }
    }
    return out;
  },
};
