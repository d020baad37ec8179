import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, operands, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';

const INSTALLERS: Record<string, string[]> = {
  'apt-get': ['install'],
  apt: ['install'],
  apk: ['add'],
  yum: ['install'],
  dnf: ['install'],
  microdnf: ['install'],
  zypper: ['install', 'in'],
};
const SSH_SERVER = /^(openssh-server|openssh|dropbear|openssh-server-pam)([=:].*)?$/;

export const sshExposed: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF017',
    slug: 'ssh-exposed',
    target: 'dockerfile',
    severity: 'high',
    title: 'SSH server installed or port 22 exposed',
    rationale:
      'An SSH daemon in a container is a second way in with its own credentials, keys and vulnerabilities, outside the orchestrator\'s access control and audit. `docker exec` (or kubectl exec) already gives operators a shell.',
    fix: 'Remove the SSH server and `EXPOSE 22`; use `docker exec` / `kubectl exec` for debugging.',
    cis: ['4.3', '5.7'],
    example: { bad: 'RUN apt-get install -y openssh-server\nEXPOSE 22', good: 'EXPOSE 8080' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      if (instr.keyword !== 'EXPOSE') continue;
      for (const w of instr.words) if (/^22(\/tcp)?$/i.test(w)) out.push({ message: 'EXPOSE 22 (SSH)', location: at(instr), key: `${instr.stage?.label}|expose22` });
    }
    for (const { instr, cmd } of runCommands(facts)) {
      const verbs = INSTALLERS[cmd.name];
      if (!verbs || !verbs.includes(cmd.args.find((a) => !a.startsWith('-')) ?? '')) continue;
      const pkg = operands(cmd.args).slice(1).find((p) => SSH_SERVER.test(p));
      if (pkg) out.push({ message: `installs an SSH server (${pkg})`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${pkg}` });
    }
    return out;
  },
};
