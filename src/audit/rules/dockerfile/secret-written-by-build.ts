import type { Rule } from '../rule.js';
import type { FindingDraft } from '../rule.js';
import { scanText, type SecretMatch } from '../../secrets/index.js';
import { at, commandLine, operands, type DfInstruction, type DockerfileFacts } from '../../dockerfile/facts.js';
import { upstreamOf } from '../../dockerfile/shell.js';

/** DF011 reports credentials in URLs; this rule does not report them twice. */
const REPORTED_ELSEWHERE = new Set(['url-credentials']);

/** `https://ghp_...@github.com/...`: a token as a URL's user part is DF011's finding. */
function inUrlUserinfo(text: string, m: SecretMatch): boolean {
  if (m.start === undefined || m.end === undefined) return false;
  return /:\/\/[^\s/@]*$/.test(text.slice(Math.max(0, m.start - 200), m.start)) && /^[^\s/@]*@/.test(text.slice(m.end));
}

/** Content that lands in a file: text and where it goes, with the Dockerfile line its first line is on. */
interface WrittenText {
  text: string;
  /** the file created (absolute or relative to WORKDIR), undefined when the text is only a command */
  path?: string;
  line: number;
  how: string;
}

const HEREDOC_OPEN = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/;
const REDIRECT_TARGET = /(?:^|[^0-9&<>])>>?\s*(["']?)([^\s"'<>|;&()]+)\1/;
const TEE_TARGET = /\btee\s+(?:-a\s+|--append\s+)?(["']?)([^\s"'<>|;&()-][^\s"'<>|;&()]*)\1/;

/**
 * Heredocs inside shell text (`cat > /etc/app.ini <<EOT` ... `EOT`, also inside a `RUN <<EOF`
 * script) with the file they write. dockerfile-ast gives an instruction's own heredocs
 * (Run/Copy getHeredocs(): names and content ranges, already in DfInstruction.heredocs) but
 * neither the file a redirect sends a heredoc to nor the heredocs a shell script opens inside
 * a RUN body, and shell-quote does not lex heredocs at all, so those are read from the text.
 */
function fileHeredocs(text: string, firstLine: number): WrittenText[] {
  const lines = text.split('\n');
  const out: WrittenText[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = HEREDOC_OPEN.exec(lines[i]!);
    if (!open) continue;
    const target = REDIRECT_TARGET.exec(lines[i]!.replace(HEREDOC_OPEN, ' ')) ?? TEE_TARGET.exec(lines[i]!);
    // a heredoc that feeds a program (python3 <<EOF, mysql <<SQL): its body is read as script text
    if (!target || target[2]!.startsWith('/dev/')) continue;
    const stripTabs = open[1] === '-';
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const l = stripTabs ? lines[j]!.replace(/^\t+/, '') : lines[j]!;
      if (l.trimEnd() === open[3]) break;
      body.push(l);
    }
    out.push({ text: body.join('\n'), path: target[2]!, line: firstLine + i + 1, how: 'a heredoc' });
    i = j;
  }
  return out;
}

/** What a RUN writes: heredoc bodies redirected into files, and `echo/printf ... > file` (or `| tee file`). */
function writtenByRun(instr: DfInstruction): WrittenText[] {
  const out: WrittenText[] = [];
  // the instruction's own heredocs follow its first line; nested ones are found the same way
  const firstLine = instr.args.split('\n')[0] ?? '';
  const whole = instr.heredocs.length ? [firstLine, ...instr.heredocs.flatMap((h) => [h.body, h.name])].join('\n') : '';
  if (whole) out.push(...fileHeredocs(whole, instr.line));
  for (const cmd of instr.shell?.commands ?? []) {
    const line = commandLine(instr, cmd);
    if (cmd.name === 'echo' || cmd.name === 'printf') {
      const to = cmd.redirects.find((r) => r.op === '>' || r.op === '>>' || r.op === '>|');
      if (to && !/^\/dev\/(null|stdout|stderr)$/.test(to.target)) out.push({ text: operands(cmd.args).join(' '), path: to.target, line, how: cmd.name });
    } else if (cmd.name === 'tee') {
      const src = upstreamOf(instr.shell!, cmd).find((u) => u.name === 'echo' || u.name === 'printf');
      const to = operands(cmd.args)[0];
      if (src && to) out.push({ text: operands(src.args).join(' '), path: to, line, how: `${src.name} | tee` });
    }
  }
  return out;
}

/** COPY/ADD <<NAME dest: each heredoc is a file named by dest (or dest/NAME for a directory). */
function writtenByCopy(instr: DfInstruction): WrittenText[] {
  const words = (instr.args.split('\n')[0] ?? '').split(/\s+/).filter((w) => w && !w.startsWith('--') && !w.startsWith('<<'));
  const dest = words.at(-1) ?? '';
  return instr.heredocs.map((h) => ({
    text: h.body,
    path: dest.endsWith('/') || instr.heredocs.length > 1 ? `${dest.replace(/\/?$/, '/')}${h.name}` : dest,
    line: h.line,
    how: 'a heredoc',
  }));
}

export const secretWrittenByBuild: Rule<DockerfileFacts> = {
  meta: {
    id: 'DF038',
    slug: 'secret-written-by-build',
    target: 'dockerfile',
    severity: 'high',
    title: 'Secret written into the image by RUN or a heredoc',
    rationale:
      'A credential in a `COPY <<EOF` heredoc, or written by `RUN echo ... > file` or `cat > file <<EOF`, is in the Dockerfile (and its repository), in the image history and in a layer: anyone who can pull the image or read the repository has it. Heredoc bodies and echoed text are file content: they go through the shared secret detector (redacted as everywhere) with the path of the file they create, so a `password = ...` in a settings.ini is judged as config; the rest of the RUN text is searched for provider key formats (AWS, GitHub, Slack, Stripe, private keys, ...). Credentials inside URLs are DF011.',
    fix: 'Remove the secret from the Dockerfile and rotate it. Mount it at build time (`RUN --mount=type=secret,id=app_ini,target=/etc/app/settings.ini ...`) or provide it at run time (orchestrator secrets, a `*_FILE` variable pointing at /run/secrets/<name>).',
    cis: ['4.10'],
    references: ['https://docs.docker.com/build/building/secrets/'],
    example: {
      bad: 'COPY <<EOF /root/.aws/credentials\n[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8h3kLmNp\nEOF',
      good: 'RUN --mount=type=secret,id=aws,target=/root/.aws/credentials aws s3 cp s3://bucket/x /x',
    },
  },
  check(facts) {
    const out: FindingDraft[] = [];
    for (const instr of facts.instructions) {
      if (instr.keyword !== 'RUN' && instr.keyword !== 'COPY' && instr.keyword !== 'ADD') continue;
      const seen = new Set<string>();
      const report = (m: SecretMatch, line: number, what: string): void => {
        if (REPORTED_ELSEWHERE.has(m.kind) || seen.has(m.redacted)) return;
        seen.add(m.redacted);
        out.push({ message: `${what}: ${m.title}`, location: at(instr, line), evidence: m.redacted, severity: m.severity, key: `${instr.stage?.label}|${m.kind}|${m.redacted}` });
      };
      const written = instr.keyword === 'RUN' ? writtenByRun(instr) : writtenByCopy(instr);
      for (const w of written) {
        for (const m of scanText(w.text, w.path ? { path: w.path } : {})) {
          if (m.start === undefined) continue; // a finding by file name alone (a history file) is not content
          report(m, w.line + (m.line ?? 1) - 1, `${instr.keyword} writes a secret into ${w.path} (${w.how})`);
        }
      }
      if (instr.keyword !== 'RUN') continue;
      // the command text itself: provider key formats anywhere (`curl -H "Authorization: token ghp_..."`);
      // a bare `NAME=value` in a command is left to the file-content checks above
      const texts = [{ text: instr.args, line: instr.line }, ...instr.heredocs.map((h) => ({ text: h.body, line: h.line }))];
      for (const t of texts) {
        for (const m of scanText(t.text)) {
          if (m.kind === 'generic-secret' || inUrlUserinfo(t.text, m)) continue;
          report(m, t.line + (m.line ?? 1) - 1, 'RUN text holds a secret, kept in the Dockerfile and the image history');
        }
      }
    }
    return out;
  },
};
