import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, operands, runCommands, writtenPaths, type DockerfileFacts } from '../../dockerfile/facts.js';

const SECURITY_CONFIG = /^\/etc\/(security\/|pam\.d\/|login\.defs$|shadow$)/;
const EDITORS = new Set(['tee', 'cp', 'mv', 'install', 'sed', 'ln', 'rm', 'chmod', 'truncate', 'dd']);

export const privilegeConfigEdit: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF018',
    slug: 'privilege-config-edit',
    target: 'dockerfile',
    severity: 'medium',
    title: 'RUN grants file capabilities or edits /etc/security, PAM or shadow',
    rationale:
      '`setcap` gives a binary capabilities (e.g. cap_net_admin, cap_sys_admin) that any user running it inherits, and edits to /etc/security, /etc/pam.d or /etc/shadow change who may log in or gain privileges. Both move privilege decisions into the image, where runtime policy no longer sees them.',
    fix: 'Grant capabilities at run time (`--cap-add` with a policy that allows it) instead of `setcap`; create users with `useradd`/`adduser` rather than editing security files.',
    example: { bad: 'RUN setcap cap_net_raw+ep /usr/bin/ping', good: 'RUN adduser -D -u 10001 app' },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { instr, cmd } of runCommands(facts)) {
      const location = at(instr, commandLine(instr, cmd));
      if (cmd.name === 'setcap' && cmd.args.some((a) => !a.startsWith('-') && /^cap_|=/.test(a)) && !cmd.args.includes('-r')) {
        const [caps, ...files] = operands(cmd.args);
        out.push({ message: `setcap ${caps} on ${files.join(' ')}`, location, key: `${instr.stage?.label}|setcap ${caps} ${files.join(' ')}` });
        continue;
      }
      const redirected = cmd.redirects.find((r) => r.op !== '<' && r.op !== '<<<' && SECURITY_CONFIG.test(r.target));
      const edited = EDITORS.has(cmd.name) ? writtenPaths(cmd).find((a) => SECURITY_CONFIG.test(a)) : undefined;
      const file = redirected?.target ?? edited;
      if (file) out.push({ message: `RUN edits ${file}`, location, key: `${instr.stage?.label}|${cmd.name}|${file}` });
    }
    return out;
  },
};
