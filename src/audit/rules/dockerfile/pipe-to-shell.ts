import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { at, commandLine, runCommands, type DockerfileFacts } from '../../dockerfile/facts.js';
import { SHELLS, upstreamOf } from '../../dockerfile/shell.js';

const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'iwr', 'Invoke-WebRequest']);
const INTERPRETERS = new Set([...SHELLS, 'python', 'python3', 'perl', 'ruby', 'node', 'php', 'pwsh', 'iex']);

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
      if (!INTERPRETERS.has(cmd.name)) continue;
      const source = upstreamOf(script, cmd).find((u) => DOWNLOADERS.has(u.name));
      if (!source) continue;
      const url = source.args.find((a) => /^[a-z]+:\/\//i.test(a) || a.includes('.')) ?? '';
      out.push({ message: `${source.name} output is run by ${cmd.name}${url ? ` (${url.replace(/\/\/[^/@]*@/, '//***@')})` : ''} without verification`, location: at(instr, commandLine(instr, cmd)), key: `${instr.stage?.label}|${source.name} ${url} ${cmd.name}` });
    }
    return out;
  },
};
