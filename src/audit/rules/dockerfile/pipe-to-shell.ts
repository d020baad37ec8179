import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';
import { upstreamOf, type ShellCommand } from '../../dockerfile/shell.js';

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'iwr', 'Invoke-WebRequest']);
/** Programs that run the text they read: shells and script interpreters (not unzip, tar or gpg). */
const INTERPRETERS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'fish', 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'nodejs', 'php', 'pwsh', 'powershell', 'iex']);

/** The program that reads the pipe: busybox runs its first argument as an applet (`busybox sh`, but also `busybox unzip -`). */
function interpreterOf(cmd: ShellCommand): string | undefined {
  const name = cmd.name === 'busybox' ? (cmd.args[0] ?? '') : cmd.name;
  const base = /^python\d(\.\d+)?$/.test(name) ? 'python3' : name;
  if (!INTERPRETERS.has(base)) return undefined;
  if (!SHELL_NAMES.has(base) && runsOwnScript(cmd)) return undefined;
  return cmd.name === 'busybox' ? `busybox ${name}` : cmd.name;
}

const SHELL_NAMES = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'fish']);

/**
 * `curl api | python3 -c 'import json,sys; ...'`, `| perl -ne '...'`, `| python3 -m json.tool`:
 * the interpreter runs its own inline script or module and reads the download as data. Not
 * when the inline script is itself a substitution of the download (`python3 -c "$(curl ...)"`).
 */
function runsOwnScript(cmd: ShellCommand): boolean {
  const i = cmd.args.findIndex((a) => /^-[a-zA-Z]*[ceErm]$/.test(a));
  if (i < 0) return false;
  const script = cmd.args[i + 1] ?? '';
  return !script.includes('$(') && !script.includes('`');
}

export const pipeToShell: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF010',
    slug: 'pipe-to-shell',
    target: 'dockerfile',
    severity: 'high',
    title: 'Downloaded script piped into a shell (curl | sh)',
    rationale:
      'Piping a download straight into an interpreter runs whatever the server (or anyone on the path, or whoever took over the domain) sends, with no chance to verify it, and the build log does not even record what ran.',
    fix: 'Download to a file, verify it against a pinned checksum or signature (`echo "<sha256>  install.sh" | sha256sum -c`), then run it; better, install a pinned package.',
    example: {
      bad: 'RUN curl -fsSL https://get.example.com | sh',
      good: 'RUN curl -fsSLo /tmp/install.sh https://get.example.com/v1.2.3/install.sh \\\n && echo "<sha256>  /tmp/install.sh" | sha256sum -c - \\\n && sh /tmp/install.sh',
    },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const { instr, cmd, script } of runCommands(facts)) {
      const interpreter = interpreterOf(cmd);
      if (!interpreter) continue;
      const source = upstreamOf(script, cmd).find((u) => DOWNLOADERS.has(u.name));
      if (!source) continue;
      const url = source.args.find((a) => /^[a-z]+:\/\//i.test(a) || a.includes('.')) ?? '';
      out.push({ message: `${source.name} output is run by ${interpreter}${url ? ` (${url.replace(/\/\/[^/@]*@/, '//***@')})` : ''} without verification`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${source.name} ${url} ${interpreter}` });
    }
    return out;
  },
};
