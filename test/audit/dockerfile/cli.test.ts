import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { runCli } from '../../helpers/cli.js';
import { sarifValidator } from '../report/sarif-schema.js';
import type { Report } from '../../../src/audit/model.js';

const root = new URL('../../../', import.meta.url);
let dir: string;
const p = (...parts: string[]) => join(dir, ...parts);

const GOOD = 'FROM alpine:3.22@sha256:beefdbd8a1da6d2915566fde36db9db0b524eb737fc57cd1367effd16dc0d06d\nUSER 10001\nHEALTHCHECK NONE\nCMD ["/app"]\n';
const BAD = 'FROM alpine:3.22\nRUN curl -fsSL https://get.example.com | sh\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulkhead-df-cli-'));
  // a repo with Dockerfiles under several names, and places that must be skipped
  mkdirSync(p('repo/svc/api'), { recursive: true });
  mkdirSync(p('repo/node_modules/pkg'), { recursive: true });
  mkdirSync(p('repo/.git'), { recursive: true });
  writeFileSync(p('repo/Dockerfile'), GOOD);
  writeFileSync(p('repo/svc/api/api.Dockerfile'), BAD);
  writeFileSync(p('repo/svc/Dockerfile.prod'), GOOD);
  writeFileSync(p('repo/svc/Containerfile'), GOOD);
  writeFileSync(p('repo/svc/Dockerfile.dockerignore'), '.env\n');
  writeFileSync(p('repo/node_modules/pkg/Dockerfile'), BAD);
  writeFileSync(p('repo/.git/Dockerfile'), BAD);
  writeFileSync(p('repo/README.md'), '# not a Dockerfile');
  // bad inputs
  mkdirSync(p('bad'));
  writeFileSync(p('bad/empty.Dockerfile'), '');
  writeFileSync(p('bad/binary.Dockerfile'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01, 0x02, 0x00, 0xff]));
  writeFileSync(p('bad/huge.Dockerfile'), `FROM alpine:3.22\n${'RUN echo xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n'.repeat(5 * 1024 * 1024 / 72)}`);
  writeFileSync(p('bad/continued.Dockerfile'), 'FROM alpine:3.22\nUSER 1\nRUN apk add --no-cache \\');
  writeFileSync(p('bad/unknown.Dockerfile'), 'FROM alpine:3.22\nUSER 1\nFRM oops\nRUN sudo true\n');
  writeFileSync(p('bad/latin1.Dockerfile'), Buffer.concat([Buffer.from('FROM alpine:3.22\n# caf'), Buffer.from([0xe9]), Buffer.from('\nUSER 1\nRUN sudo true\n')]));
  symlinkSync(p('does-not-exist'), p('bad/dangling.Dockerfile'));
  mkdirSync(p('empty-dir'));
  // build contexts for the .dockerignore check
  mkdirSync(p('ctx-open'));
  writeFileSync(p('ctx-open/Dockerfile'), 'FROM alpine:3.22\nUSER 1\nCOPY . /app\n');
  writeFileSync(p('ctx-open/.env'), 'API_TOKEN=9f8e7d6c5b4a39281706f5e4d3c2b1a0\n');
  mkdirSync(p('ctx-closed'));
  writeFileSync(p('ctx-closed/Dockerfile'), 'FROM alpine:3.22\nUSER 1\nCOPY . /app\n');
  writeFileSync(p('ctx-closed/.env'), 'API_TOKEN=x\n');
  writeFileSync(p('ctx-closed/.dockerignore'), '.git\n.env*\n**/*.pem\n**/*.key\n**/id_*\n**/.ssh\n.npmrc\n.pypirc\n.git-credentials\n.aws\n.docker\nkubeconfig\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const json = async (args: string[], options?: { stdin?: string }) => {
  const r = await runCli(['audit', 'dockerfile', ...args, '--format', 'json'], options);
  return { ...r, report: r.stdout ? (JSON.parse(r.stdout) as Report) : undefined };
};

describe('bulkhead audit dockerfile: inputs', () => {
  it('searches directories for Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile, skipping node_modules and .git', async () => {
    const { report, code } = await json([p('repo')]);
    const names = report!.targets.map((t) => t.name.slice(dir.length + 1)).sort();
    expect(names).toEqual(['repo/Dockerfile', 'repo/svc/Containerfile', 'repo/svc/Dockerfile.prod', 'repo/svc/api/api.Dockerfile']);
    expect(code).toBe(1);
  });

  it('reads one Dockerfile from stdin with -', async () => {
    const { report, code } = await json(['-', '--fail-on', 'never'], { stdin: BAD });
    expect(report!.targets[0]!.name).toBe('<stdin>');
    expect(report!.targets[0]!.findings.map((f) => f.ruleId)).toContain('DF010');
    expect(code).toBe(0);
  });

  it('exit 0 when nothing reaches --fail-on, 1 when something does', async () => {
    writeFileSync(p('good.Dockerfile'), GOOD);
    expect((await runCli(['audit', 'dockerfile', p('good.Dockerfile')])).code).toBe(0);
    expect((await runCli(['audit', 'dockerfile', p('repo/svc/api/api.Dockerfile')])).code).toBe(1);
    expect((await runCli(['audit', 'dockerfile', p('repo/svc/api/api.Dockerfile'), '--fail-on', 'critical'])).code).toBe(0);
  });

  it('documents the exit codes in --help', async () => {
    const { stdout, code } = await runCli(['audit', 'dockerfile', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Exit codes:[\s\S]*0 {2}no finding[\s\S]*1 {2}findings[\s\S]*2 {2}bad usage/);
    expect(stdout).toContain('Containerfile');
  });
});

describe('bulkhead audit dockerfile: bad input never crashes', () => {
  const cases: Array<[string, RegExp]> = [
    ['empty.Dockerfile', /empty file$/],
    ['binary.Dockerfile', /binary data \(NUL byte at offset 4\), not a Dockerfile$/],
    ['huge.Dockerfile', /file is 5\.\d MB, over the 2 MB limit for a Dockerfile$/],
    ['continued.Dockerfile', /Dockerfile:3: the file ends inside a continued instruction \(trailing \\\)$/],
    ['unknown.Dockerfile', /Dockerfile:3: unknown instruction FRM$/],
    ['latin1.Dockerfile', /Dockerfile:2: invalid UTF-8 \(byte 0xe9 at offset 22\); read with replacement characters$/],
    ['dangling.Dockerfile', /cannot read \(ENOENT\)$/],
  ];

  it.each(cases)('%s: one clear line naming the file (and line), the other files still checked', async (file, message) => {
    const { code, stderr, report } = await json([p('bad', file), p('repo/svc/api/api.Dockerfile')]);
    const line = stderr.split('\n').find((l) => l.includes(file));
    expect(line, stderr).toMatch(message);
    expect(line!.startsWith('bulkhead: ')).toBe(true);
    expect(report!.targets[1]!.findings.map((f) => f.ruleId)).toContain('DF010');
    expect(code).toBe(1);
  });

  it('a file with an unknown instruction is still audited beyond it', async () => {
    const { report } = await json([p('bad/unknown.Dockerfile'), '--fail-on', 'never']);
    expect(report!.targets[0]!.findings.map((f) => f.ruleId)).toContain('DF002');
  });

  it('exit 2 when nothing could be read: a missing path, a directory without Dockerfiles, only unreadable files', async () => {
    const missing = await runCli(['audit', 'dockerfile', p('nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read (ENOENT)');
    const none = await runCli(['audit', 'dockerfile', p('empty-dir')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no Dockerfile found (looked for Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile)');
    const bad = await runCli(['audit', 'dockerfile', p('bad/empty.Dockerfile'), p('bad/binary.Dockerfile')]);
    expect(bad.code).toBe(2);
  });

  it('exit 2 on bad usage', async () => {
    expect((await runCli(['audit', 'dockerfile', p('repo'), '--format', 'yaml'])).code).toBe(2);
    expect((await runCli(['audit', 'dockerfile', p('repo'), '--fail-on', 'sometimes'])).code).toBe(2);
  });
});

describe('bulkhead audit dockerfile: secrets', () => {
  const TOKEN = 'ghp_R8x2Lq9Zt4Wm7Vn1Ks6Pb3Hc5Jd0Fy2Ga8Qe';
  const PASSWORD = 'Zq8wLm4vRt2xKp';
  it.each(['table', 'json', 'sarif', 'markdown', 'github'])('never prints a secret in full (%s)', async (format) => {
    const f = p('secrets.Dockerfile');
    writeFileSync(f, `FROM alpine:3.22\nENV GITHUB_TOKEN=${TOKEN}\nARG DB_PASSWORD=${PASSWORD}\nRUN git clone https://ci:${PASSWORD}@git.example.com/a.git\n`);
    const r = await runCli(['audit', 'dockerfile', f, '--format', format]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DF014|Secret value/);
    for (const secret of [TOKEN, PASSWORD]) {
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
    }
  });
});

describe('bulkhead audit dockerfile: build context', () => {
  it('COPY . with a .env holding a token in the context and no .dockerignore is high (DF031)', async () => {
    const { report } = await json([p('ctx-open/Dockerfile')]);
    const f = report!.targets[0]!.findings.find((x) => x.ruleId === 'DF031');
    expect(f?.severity).toBe('high');
    expect(f?.message).toContain('.env');
    expect(JSON.stringify(f)).not.toContain('9f8e7d6c5b4a39281706f5e4d3c2b1a0');
  });

  it('a .dockerignore that excludes the secrets silences it', async () => {
    const { report } = await json([p('ctx-closed/Dockerfile')]);
    expect(report!.targets[0]!.findings.map((f) => f.ruleId)).not.toContain('DF031');
  });
});

describe('bulkhead audit dockerfile: formats, config and baseline', () => {
  it('json output validates against schemas/report.schema.json', async () => {
    const { stdout } = await runCli(['audit', 'dockerfile', p('repo'), p('bad/unknown.Dockerfile'), '--format', 'json']);
    const schema = JSON.parse(readFileSync(new URL('schemas/report.schema.json', root), 'utf8'));
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(schema);
    validate(JSON.parse(stdout));
    expect(validate.errors ?? []).toEqual([]);
  });

  it('github annotations point at the file and line', async () => {
    const { stdout } = await runCli(['audit', 'dockerfile', p('repo/svc/api/api.Dockerfile'), '--format', 'github']);
    expect(stdout).toContain(`::error file=${p('repo/svc/api/api.Dockerfile')},line=2,title=DF010 (high)::curl output is run by sh`);
  });

  it('writes --output and still prints read errors on stderr', async () => {
    const out = p('report.sarif');
    const { code, stdout, stderr } = await runCli(['audit', 'dockerfile', p('repo'), p('bad/empty.Dockerfile'), '--format', 'sarif', '--output', out]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('empty file');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    const validate = sarifValidator();
    validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'DF010').locations[0].physicalLocation.region.startLine).toBe(2);
  });

  it('--policy supplies the threshold when --fail-on is not given', async () => {
    // api.Dockerfile's worst finding is high: the default policy gates on critical only
    expect((await runCli(['audit', 'dockerfile', p('repo/svc/api/api.Dockerfile'), '--policy', 'default'])).code).toBe(0);
    expect((await runCli(['audit', 'dockerfile', p('repo/svc/api/api.Dockerfile'), '--policy', 'default', '--fail-on', 'high'])).code).toBe(1);
    expect((await runCli(['audit', 'dockerfile', p('repo/svc/api/api.Dockerfile'), '--policy', 'untrusted'])).code).toBe(1);
  });

  it('a clean file with a parse problem still counts as read (exit 0, not 2)', async () => {
    const f = p('clean-but-odd.Dockerfile');
    writeFileSync(f, `${GOOD}ONBUILDX nothing\n`);
    const r = await runCli(['audit', 'dockerfile', f]);
    expect(r.stderr).toContain('unknown instruction ONBUILDX');
    expect(r.code).toBe(0);
  });

  it('.bulkhead.yaml: severity override, disabled rule, ignore with reason, expired ignore reported', async () => {
    const config = p('bulkhead.yaml');
    writeFileSync(
      config,
      [
        'rules:',
        '  DF010: low',
        '  missing-healthcheck: off',
        'ignores:',
        '  - rule: DF001',
        `    path: "**/api.Dockerfile"`,
        '    reason: runs as root in a throwaway CI job',
        '  - rule: DF007',
        '    reason: digest pinning starts next quarter',
        '    until: 2020-01-01',
      ].join('\n'),
    );
    const { report, stderr, code } = await json([p('repo/svc/api/api.Dockerfile'), '--config', config]);
    const byId = new Map(report!.targets[0]!.findings.map((f) => [f.ruleId, f]));
    expect(byId.get('DF010')?.severity).toBe('low');
    expect(byId.has('DF030')).toBe(false);
    expect(byId.has('DF001')).toBe(false);
    expect(byId.has('DF007')).toBe(true);
    expect(stderr).toContain(`${config}:8: ignore of DF007 expired on 2020-01-01; it no longer applies`);
    expect(code).toBe(0);
  });

  it('an invalid config is exit 2 with file, line and field path', async () => {
    const config = p('bad-config.yaml');
    writeFileSync(config, 'ignores:\n  - rule: DF001\n    reason: ok reason\n    until: tomorrow\n');
    const r = await runCli(['audit', 'dockerfile', p('repo'), '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${config}:4: ignores[0].until: must be a date written YYYY-MM-DD`);
  });

  it('--baseline fails only on findings new since the accepted report', async () => {
    const df = p('baseline.Dockerfile');
    writeFileSync(df, BAD);
    const accepted = p('accepted.json');
    await runCli(['audit', 'dockerfile', df, '--format', 'json', '--output', accepted]);
    expect((await runCli(['audit', 'dockerfile', df, '--baseline', accepted])).code).toBe(0);
    writeFileSync(df, `${BAD}RUN echo 'app ALL=(ALL) NOPASSWD: ALL' >> /etc/sudoers\n`);
    const again = await json([df, '--baseline', accepted]);
    expect(again.code).toBe(1);
    const states = again.report!.targets[0]!.findings.map((f) => `${f.ruleId}:${f.baseline}`);
    expect(states).toContain('DF003:new');
    expect(states).toContain('DF010:unchanged');
  });
});
