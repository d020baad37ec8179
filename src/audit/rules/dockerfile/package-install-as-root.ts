import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, hasOption, type DfInstruction, type DockerfileFacts } from '../../dockerfile/facts.js';
import type { ShellCommand } from '../../dockerfile/shell.js';
import { baseUser } from './final-user-root.js';

const ROOT = /^(root|0)(:.*)?$/i;

/** `npm install|i|ci`, `yarn` / `yarn install`, `pnpm install|i`: the commands that run dependencies' lifecycle scripts. */
function installCommand(c: ShellCommand): string | undefined {
  const sub = c.args.find((a) => !a.startsWith('-'));
  let what: string | undefined;
  if (c.name === 'npm' && (sub === 'install' || sub === 'i' || sub === 'ci' || sub === 'isntall' || sub === 'add')) what = `npm ${sub}`;
  // bare `yarn` installs, but `yarn --version` (a smoke test in node's own images) does not
  else if (c.name === 'yarn' && (sub === 'install' || (sub === undefined && !hasOption(c.args, ['--version', '--help'], ['v', 'h'])))) what = sub ? 'yarn install' : 'yarn';
  else if (c.name === 'pnpm' && (sub === 'install' || sub === 'i')) what = `pnpm ${sub}`;
  if (!what) return undefined;
  // scripts turned off: nothing of the dependencies runs
  if (hasOption(c.args, ['--ignore-scripts'])) return undefined;
  // sudo -u app npm ci: not root
  if (c.viaSudo && c.argv.some((a) => a === '-u' || a.startsWith('--user'))) return undefined;
  return what;
}

export const packageInstallAsRoot: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF037',
    slug: 'package-install-as-root',
    target: 'dockerfile',
    severity: 'low',
    title: 'npm/yarn/pnpm install runs as root in the final stage',
    rationale:
      'Installing packages runs every dependency\'s preinstall/install/postinstall scripts, code from the registry that nobody reviewed. Run as root in the final stage, a malicious or compromised package can change any file of the image that ships (binaries, /etc/passwd, CA certificates), not only its own node_modules. npm 7+ runs scripts as the owner of the working directory, which is root unless it was chowned. Build stages are not reported: only what they copy out reaches the image.',
    fix: 'Install as the user that runs the app (`USER node` before `RUN npm ci`, with `COPY --chown=node:node`), or install in a build stage and `COPY --from` the result; or pass `--ignore-scripts` when the dependencies need no build step.',
    references: ['https://docs.npmjs.com/cli/v10/using-npm/scripts#user', 'https://docs.npmjs.com/cli/v10/commands/npm-ci#ignore-scripts'],
    example: { bad: 'FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci', good: 'FROM node:22\nWORKDIR /app\nCOPY --chown=node:node . .\nUSER node\nRUN npm ci' },
  },
  check(facts) {
    const stage = facts.finalStage;
    if (!stage) return [];
    // the user the final stage starts with: an earlier stage's last USER, else the base image's
    let base = stage.from;
    let user: 'root' | 'nonroot' | 'unknown' | undefined;
    while (base.stageRef && user === undefined) {
      const inherited = base.stageRef.instructions.filter((i) => i.keyword === 'USER').at(-1);
      if (inherited) user = ROOT.test(inherited.words[0] ?? '') ? 'root' : 'nonroot';
      base = base.stageRef.from;
    }
    user ??= base.scratch ? 'root' : baseUser(base);
    const out: FindingDraft[] = [];
    for (const instr of stage.instructions as DfInstruction[]) {
      if (instr.keyword === 'USER') user = ROOT.test(instr.words[0] ?? '') ? 'root' : 'nonroot';
      // an image bulkhead cannot see may set its own user: not reported (the rule is advice, precision first)
      if (instr.keyword !== 'RUN' || user !== 'root' || !instr.shell) continue;
      for (const cmd of instr.shell.commands) {
        const what = installCommand(cmd);
        if (what) out.push({ message: `${what} runs as root in the final stage: the dependencies' install scripts run as root`, location: at(instr, commandLine(instr, cmd)), key: `${stage.label}|${what}|${cmd.args.join(' ')}` });
      }
    }
    return out;
  },
};
