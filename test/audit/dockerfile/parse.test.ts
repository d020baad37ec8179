import { describe, expect, it } from 'vitest';
import { DockerfileParser, type Heredoc } from 'dockerfile-ast';
import { parseDockerfile, parseImageRef } from '../../../src/audit/dockerfile/parse.js';
import { parseShell, upstreamOf } from '../../../src/audit/dockerfile/shell.js';
import { NOW, SAFE_CONTEXT, allFindings } from './helpers.js';
import { runDockerfileRules } from '../../../src/audit/dockerfile/audit.js';

const parse = (text: string) => parseDockerfile(text, 'Dockerfile', SAFE_CONTEXT, { trustedRegistries: [], now: NOW });

describe('parseDockerfile: facts for every rule, parsed once', () => {
  it('knows the final stage and the build-only stages, and FROM <stage> chains', () => {
    const { facts } = parse('FROM golang:1.23 AS build\nRUN go build\nFROM build AS test\nRUN go test\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /out /app');
    expect(facts.stages.map((s) => [s.label, s.isFinal])).toEqual([['build', false], ['test', false], ['#2', true]]);
    expect(facts.stages[1]!.from.stageRef?.label).toBe('build');
    expect(facts.finalStage?.from).toMatchObject({ registry: 'gcr.io', repository: 'distroless/static', name: 'static', tag: 'nonroot' });
  });

  it('substitutes ARGs declared before FROM, with ${VAR:-default} forms', () => {
    const { facts } = parse('ARG REG=ghcr.io/acme\nARG VERSION\nFROM ${REG}/app:${VERSION:-1.2}\nFROM $REG/other');
    expect(facts.stages[0]!.from).toMatchObject({ resolved: 'ghcr.io/acme/app:1.2', registry: 'ghcr.io', tag: '1.2', unresolved: false });
    expect(facts.stages[1]!.from.resolved).toBe('ghcr.io/acme/other');
    expect(facts.globalArgs.map((a) => a.name)).toEqual(['REG', 'VERSION']);
    expect(parse('ARG IMG\nFROM ${IMG}').facts.stages[0]!.from.unresolved).toBe(true);
  });

  it('joins continuation lines and drops comment lines inside them (as Docker does)', () => {
    const { facts } = parse('FROM alpine:3.22\nRUN apk add --no-cache \\\n    # the tools\n    curl \\\n    git');
    const run = facts.instructions[1]!;
    expect([run.line, run.endLine]).toEqual([2, 5]);
    expect(run.shell?.commands.map((c) => [c.name, ...c.args])).toEqual([['apk', 'add', '--no-cache', 'curl', 'git']]);
  });

  it('honours the escape parser directive', () => {
    const { facts } = parse('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN powershell -Command `\n    Write-Host hi');
    expect(facts.instructions[1]!.shell?.commands[0]?.args).toEqual(['-Command', 'Write-Host', 'hi']);
  });

  it('parses heredoc bodies as shell with their own line numbers; non-shell heredocs are left alone', () => {
    const { facts } = parse('FROM alpine:3.22\nRUN <<EOF\napk add curl\ncurl -k https://x\nEOF\nRUN python3 <<PY\nimport os; os.system("curl -k x")\nPY');
    const [, sh, py] = facts.instructions;
    expect(sh!.shell?.commands.map((c) => [c.name, sh!.line + c.lineOffset - 1])).toEqual([['apk', 3], ['curl', 4]]);
    expect(py!.shell?.commands.map((c) => c.name)).toEqual(['python3']);
  });

  it('reads exec-form RUN/CMD and sh -c in exec form', () => {
    const { facts } = parse('FROM alpine:3.22\nRUN ["sh", "-c", "curl -fsSL https://x | sh"]\nCMD ["node", "app.js"]');
    expect(facts.instructions[1]!.shell?.commands.map((c) => c.name)).toEqual(['curl', 'sh']);
    expect(facts.instructions[2]!.json).toEqual(['node', 'app.js']);
  });

  it('collects inline suppressions and the instruction each applies to', () => {
    const { facts } = parse('FROM alpine:3.22\n# bulkhead ignore=DF023,df029 cache mount in CI\n\nRUN cd /x && apk add curl\n# bulkhead ignore=DF001 nothing follows');
    expect(facts.suppressions).toEqual([
      { line: 2, appliesTo: 4, ids: ['DF023', 'DF029'], reason: 'cache mount in CI', used: [] },
      { line: 5, ids: ['DF001'], reason: 'nothing follows', used: [] },
    ]);
  });

  it('reports unknown instructions, instructions before FROM and a trailing continuation, and still parses the rest', () => {
    const { facts, errors } = parse('RUN echo early\nFROM alpine:3.22\nFRM oops\nRUN apk add \\');
    expect(errors.map((e) => e.message)).toEqual([
      'RUN before the first FROM (only ARG may come first)',
      'unknown instruction FRM',
      'the file ends inside a continued instruction (trailing \\)',
    ]);
    expect(errors.map((e) => e.location?.line)).toEqual([1, 3, 4]);
    expect(facts.stages).toHaveLength(1);
  });

  it('splits image references the way Docker does', () => {
    expect(parseImageRef('localhost:5000/app:1@sha256:ab')).toEqual({ registry: 'localhost:5000', repository: 'app', name: 'app', tag: '1', digest: 'sha256:ab' });
    expect(parseImageRef('library/node')).toEqual({ registry: undefined, repository: 'library/node', name: 'node', tag: undefined, digest: undefined });
  });
});

describe('parseShell: commands, wrappers, data flow', () => {
  const sh = (text: string) => parseShell([{ text, offset: 1 }]);

  it('unwraps sudo/env/assignments and keeps argv', () => {
    const [c] = sh('DEBIAN_FRONTEND=noninteractive sudo -E env X=1 apt-get install -y curl').commands;
    expect(c).toMatchObject({ name: 'apt-get', args: ['install', '-y', 'curl'], viaSudo: true });
  });

  it('links pipes, $( ), <( ) and sh -c into the consuming command', () => {
    for (const text of ['curl -s x | bash', 'bash <(curl -s x)', 'sh -c "$(curl -s x)"', "sh -c 'curl -s x | sh'"]) {
      const s = sh(text);
      const shell = s.commands.find((c) => c.name === 'bash' || c.name === 'sh')!;
      expect(upstreamOf(s, shell).map((c) => c.name), text).toContain('curl');
    }
  });

  it('keeps quoted operators as words, records redirections, skips comments and reserved words', () => {
    const s = sh('if [ -f x ]; then echo "a | b" > /etc/motd 2>/dev/null; fi # curl | sh');
    expect(s.hasPipe).toBe(false);
    expect(s.commands.map((c) => c.name)).toEqual(['[', 'echo']);
    expect(s.commands[1]!.redirects).toEqual([{ op: '>', target: '/etc/motd' }, { op: '>', target: '/dev/null' }]);
  });

  it('notices set -o pipefail', () => {
    expect(sh('set -eux -o pipefail; a | b').pipefail).toBe(true);
    expect(sh('a | b').pipefail).toBe(false);
  });
});

describe('inline suppressions in the runner', () => {
  it('a suppression with a reason removes the finding on the next instruction; an unused one is reported (DF033)', () => {
    const text = 'FROM alpine:3.22\nUSER 1\nHEALTHCHECK NONE\n# bulkhead ignore=DF023 cache mount in CI\nRUN apk add curl\n# bulkhead ignore=DF002 legacy\nRUN make';
    const ids = allFindings(text).map((f) => `${f.ruleId}:${f.location?.line}`);
    expect(ids).not.toContain('DF023:5');
    expect(ids).toContain('DF033:6');
  });

  it('a suppression without a reason is not applied and is reported (DF032)', () => {
    const ids = allFindings('FROM alpine:3.22\nUSER 1\n# bulkhead ignore=DF023\nRUN apk add curl').map((f) => `${f.ruleId}:${f.location?.line}`);
    expect(ids).toContain('DF023:4');
    expect(ids).toContain('DF032:3');
  });

  it('covers findings on any line of a multi-line instruction', () => {
    const text = 'FROM alpine:3.22\nUSER 1\n# bulkhead ignore=DF010 vendor script pinned by checksum upstream\nRUN <<EOF\nset -e\ncurl -fsSL https://x | sh\nEOF';
    expect(allFindings(text).map((f) => f.ruleId)).not.toContain('DF010');
  });
});

describe('fingerprints', () => {
  it('do not change when lines are inserted above a finding', () => {
    const before = allFindings('FROM alpine:3.22\nRUN apk add curl').find((f) => f.ruleId === 'DF023')!;
    const after = allFindings('FROM alpine:3.22\nLABEL a=b\n\nRUN apk add curl').find((f) => f.ruleId === 'DF023')!;
    expect(after.location?.line).toBe(4);
    expect(after.fingerprint).toBe(before.fingerprint);
  });
});

describe('odd input never throws', () => {
  const ODD = [
    '\\',
    'FROM',
    'FROM \nRUN',
    'RUN <<\n',
    'FROM alpine:3.22\nRUN <<EOF\nno terminator',
    'FROM alpine:3.22\nCOPY <<EOF /x\nhello\nEOF',
    'FROM alpine:3.22\nENV\nARG =\nARG ==x\nLABEL',
    'FROM alpine:3.22\nRUN echo "unterminated',
    "FROM alpine:3.22\nRUN echo 'a\\\nRUN x",
    'FROM alpine:3.22\nRUN $(((((((',
    'FROM alpine:3.22\nRUN ["sh", "-c"',
    'FROM alpine:3.22\nHEALTHCHECK\nUSER\nEXPOSE\nWORKDIR\nCMD []\nENTRYPOINT [',
    '# escape=\nFROM x',
    'FROM ${A:-${B:-c}}\nFROM $',
    'ONBUILD RUN curl x | sh\nFROM a AS\nFROM a AS b AS c',
    '\u0000\u0001garbage\uFFFD\n\n\t\t',
    'FROM a\n' + 'RUN a | b\n'.repeat(500),
    'FROM a\nCOPY <<EOF\npassword = 7lMGq2xZp9Rk4Tz8\nEOF',
    'FROM a\nCOPY <<EOF <<EOT\nx\nEOF',
    'FROM a\nRUN cat > <<EOT\nnever closed',
    'FROM a\nRUN <<EOF\ncat <<EOT > /x\nEOF',
    'FROM a\nRUN echo >\nRUN tee\nRUN printf > ""',
    'FROM --platform=$X\nRUN npm\nRUN yarn\nRUN pnpm',
    'FROM a AS b\nFROM b AS c\nFROM c\nRUN npm ci',
    'FROM a\nCOPY . .\nCOPY ../x.key /\nCOPY $K.pem /\nCOPY *.key /',
    'ARG TOKEN=\nARG KEY="\nARG SECRET=1h\nFROM x',
  ];
  it.each(ODD.map((t) => [JSON.stringify(t).slice(0, 50), t]))('%s', (_name, text) => {
    expect(() => allFindings(text)).not.toThrow();
    // the runner turns a throwing rule into an error entry: none may appear
    const { facts } = parseDockerfile(text, 'Dockerfile', SAFE_CONTEXT, { trustedRegistries: [], now: NOW });
    expect(runDockerfileRules(facts).errors).toEqual([]);
  });
});

describe('heredocs: the facts agree with dockerfile-ast', () => {
  const TEXTS = [
    'FROM a\nCOPY <<EOF /etc/app/settings.ini\n[db]\npassword = x\nEOF',
    'FROM a\nRUN <<EOF\nset -e\ncat > /x <<EOT\ny\nEOT\nEOF',
    'FROM a\nRUN <<-EOT bash\n\techo tabs\n\tEOT',
    'FROM a\nCOPY <<one.txt <<two.txt /dest/\n1\none.txt\n2\ntwo.txt',
  ];
  it.each(TEXTS.map((t) => [JSON.stringify(t).slice(0, 60), t]))('%s', (_name, text) => {
    const lines = text.split('\n');
    const fromLibrary = DockerfileParser.parse(text)
      .getInstructions()
      .flatMap((i) => ((i as unknown as { getHeredocs?: () => Heredoc[] }).getHeredocs?.() ?? []))
      .map((h) => {
        const r = h.getContentRange();
        const body = r ? lines.slice(r.start.line, r.end.line + 1).join('\n').slice(r.start.character) : '';
        return { name: h.getName(), body: body.replace(/^\t+/gm, '') };
      });
    const ours = parseDockerfile(text, 'Dockerfile', SAFE_CONTEXT, { trustedRegistries: [], now: NOW }).facts.instructions.flatMap((i) => i.heredocs.map((h) => ({ name: h.name, body: h.body })));
    expect(ours).toEqual(fromLibrary);
  });
});
