import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDockerfiles } from '../../../src/audit/dockerfile/audit.js';
import { buildContextFacts, MAX_CONTEXT_ENTRIES } from '../../../src/audit/dockerfile/read.js';
import { classifyContent, contextPath } from '../../../src/audit/dockerfile/secret-files.js';
import { runCli } from '../../helpers/cli.js';
import type { Report } from '../../../src/audit/model.js';
import { NOW } from './helpers.js';

// key material is made per run, never committed
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const ed = generateKeyPairSync('ed25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
const PGP_PUBLIC = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGV0f3wBEADKq3Qh6Zc8b9vXw2KzY0aXn1Wb7r5mJ2s9dTqLx4pV3hN8cR1e\n=Ab1c\n-----END PGP PUBLIC KEY BLOCK-----\n';
const NPM_TOKEN = 'npm_abcdefghijklmnopqrstuvwxyz0123456789';
const GH_TOKEN = 'ghp_1234567890abcdefghijABCDEFGHIJ123456';
const ENV_PASSWORD = 'Xk9mL2vQp7wZr4';

let dir: string;
const p = (...parts: string[]) => join(dir, ...parts);
const write = (path: string, content: string | Buffer): void => {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulkhead-df-ctx-'));
  // an open context: secrets in several places, no .dockerignore
  write(p('open/Dockerfile'), 'FROM alpine:3.22\nUSER 1\nCOPY . /app\n');
  write(p('open/.env'), `DB_PASSWORD=${ENV_PASSWORD}\n`);
  write(p('open/deploy/id_rsa'), rsa.privateKey);
  write(p('open/sub/.npmrc'), `//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n`);
  write(p('open/.git/config'), `[remote "origin"]\n\turl = https://x-access-token:${GH_TOKEN}@github.com/org/app.git\n`);
  write(p('open/.git/objects/aa/bb'), 'not looked at');
  write(p('open/node_modules/ssh2/test/fixtures/id_rsa'), rsa.privateKey);
  write(p('open/certs/ca.pem'), rsa.publicKey);
  // a link to a key outside the context: COPY sends the link, not the key
  write(p('outside/id_ed25519'), ed.privateKey);
  symlinkSync(p('outside/id_ed25519'), p('open/linked.key'));
  // nothing secret, no .dockerignore
  write(p('harmless/Dockerfile'), 'FROM alpine:3.22\nUSER 1\nCOPY . /app\n');
  write(p('harmless/.env'), 'NODE_ENV=production\nPORT=8080\n');
  write(p('harmless/app.js'), 'console.log(1)\n');
  // a .dockerignore with a take-back, and a Dockerfile-specific ignore file
  write(p('ignored/Dockerfile'), 'FROM alpine:3.22\nUSER 1\nCOPY . /app\n');
  write(p('ignored/.dockerignore'), '.env\nsecrets/\n!secrets/keep.pem\n**/.npmrc\n');
  write(p('ignored/.env'), `DB_PASSWORD=${ENV_PASSWORD}\n`);
  write(p('ignored/secrets/a.pem'), ed.privateKey);
  write(p('ignored/secrets/keep.pem'), ed.privateKey);
  write(p('ignored/x/.npmrc'), `//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n`);
  write(p('ignored/prod.Dockerfile'), 'FROM alpine:3.22\nUSER 1\nCOPY . /app\n');
  write(p('ignored/prod.Dockerfile.dockerignore'), '**\n');
  // the jenkinsci/docker layout: Dockerfiles in subdirectories, the context is the repository root
  write(p('jenkins/debian/Dockerfile'), 'FROM eclipse-temurin:21-jre\nUSER jenkins\nCOPY jenkins.io-2026.key /war/jenkins-key.pub\nCOPY deploy.key /x\n');
  write(p('jenkins/jenkins.io-2026.key'), PGP_PUBLIC);
  write(p('jenkins/deploy.key'), rsa.privateKey);
  // COPY of plain directories: one sends a real .env and a key, one has them ignored, one is clean
  write(p('dirs/Dockerfile'), 'FROM alpine:3.22\nUSER 1\nCOPY config/ /app/config/\nCOPY ./src /app/src\nCOPY deploy /deploy\nCOPY vendor/ /v/\n');
  write(p('dirs/config/app.yaml'), 'port: 8080\n');
  write(p('dirs/config/prod/.env'), `DB_PASSWORD=${ENV_PASSWORD}\n`);
  write(p('dirs/src/main.js'), 'console.log(1)\n');
  write(p('dirs/src/.env.example'), 'DB_PASSWORD=changeme\n');
  write(p('dirs/deploy/id_rsa'), rsa.privateKey);
  write(p('dirs/.dockerignore'), 'deploy/id_rsa\n');
  write(p('dirs/vendor/node_modules/ssh2/test/fixtures/id_rsa'), rsa.privateKey);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('classifyContent: the content decides, not the name', () => {
  const cases: Array<[string, string, string | Buffer, string]> = [
    ['PEM RSA private key', 'server.key', rsa.privateKey, 'secret'],
    ['PKCS#8 private key', 'tls.pem', ed.privateKey, 'secret'],
    ['PGP public key named .key', 'jenkins.io-2026.key', PGP_PUBLIC, 'public'],
    ['PEM public key', 'signing.pem', rsa.publicKey, 'public'],
    ['OpenSSH public key line', 'id_ed25519', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE3xg user@host\n', 'public'],
    ['.npmrc with a token', '.npmrc', `//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n`, 'secret'],
    ['.npmrc without one', '.npmrc', 'registry=https://registry.npmjs.org/\nsave-exact=true\n', 'clean'],
    ['.git/config with a token in a URL', '.git/config', `[remote "origin"]\n\turl = https://x-access-token:${GH_TOKEN}@github.com/o/r.git\n`, 'secret'],
    ['.git/config without one', '.git/config', '[remote "origin"]\n\turl = https://github.com/o/r.git\n', 'clean'],
    ['.env with settings only', '.env', 'NODE_ENV=production\n', 'clean'],
    ['.env with a password', '.env', `DB_PASSWORD=${ENV_PASSWORD}\n`, 'secret'],
    ['empty', 'credentials', '', 'clean'],
    ['PKCS#12 bytes', 'client.p12', Buffer.from([0x30, 0x82, 0x00, 0x00, 0x02, 0x01, 0x03]), 'secret'],
    ['binary .key', 'server.key', Buffer.from([0x30, 0x82, 0x00, 0x00, 0x02]), 'unknown'],
  ];
  it.each(cases)('%s (%s) is %s', (_name, path, content, verdict) => {
    const got = classifyContent(path, Buffer.isBuffer(content) ? content : Buffer.from(content));
    expect(got.verdict).toBe(verdict);
    // never the secret in clear
    if (got.evidence) for (const s of [NPM_TOKEN, GH_TOKEN, ENV_PASSWORD]) expect(got.evidence).not.toContain(s);
  });

  it('contextPath: sources that name one file in the context', () => {
    expect(contextPath('./.env')).toBe('.env');
    expect(contextPath('/certs/server.key')).toBe('certs/server.key');
    expect(contextPath('.ssh/')).toBe('.ssh');
    for (const notOne of ['*.pem', '$KEY_FILE', 'https://x.example/k.pem', '../outside.key', '.']) expect(contextPath(notOne), notOne).toBeUndefined();
  });
});

describe('buildContextFacts: what a COPY . sends, read from disk', () => {
  const whole = { wholeContext: true, sources: [] };

  it('finds secret files anywhere in the context that no .dockerignore excludes, skipping node_modules', () => {
    const facts = buildContextFacts(p('open'), p('open/Dockerfile'), dir, whole);
    const secrets = facts.secretFilesPresent.filter((f) => f.verdict === 'secret').map((f) => f.path).sort();
    expect(secrets).toEqual(['.env', '.git/config', 'deploy/id_rsa', 'sub/.npmrc']);
    expect(facts.secretFilesPresent.find((f) => f.path === 'certs/ca.pem')?.verdict).toBe('public');
    expect(facts.secretFilesPresent.find((f) => f.path === 'linked.key')?.verdict).toBe('clean');
    expect(facts.dockerignore).toBeUndefined();
    expect(facts.secretPathsNotIgnored).toContain('.env');
  });

  it('applies the .dockerignore with @balena/dockerignore, take-backs (!pattern) included', () => {
    const facts = buildContextFacts(p('ignored'), p('ignored/Dockerfile'), dir, whole);
    expect(facts.secretFilesPresent.map((f) => f.path)).toEqual(['secrets/keep.pem']);
    expect(facts.dockerignore).toBe('ignored/.dockerignore');
  });

  it("a <Dockerfile>.dockerignore next to the Dockerfile wins over the context's .dockerignore", () => {
    const facts = buildContextFacts(p('ignored'), p('ignored/prod.Dockerfile'), dir, whole);
    expect(facts.dockerignore).toBe('ignored/prod.Dockerfile.dockerignore');
    expect(facts.secretFilesPresent).toEqual([]);
    expect(facts.secretPathsNotIgnored).toEqual([]);
  });

  it('reads the content of secret-named COPY sources; a missing one is left out', () => {
    const facts = buildContextFacts(p('jenkins'), p('jenkins/debian/Dockerfile'), dir, { wholeContext: false, sources: ['jenkins.io-2026.key', 'deploy.key', 'absent.key'] });
    expect(facts.sources['jenkins.io-2026.key']?.verdict).toBe('public');
    expect(facts.sources['deploy.key']?.verdict).toBe('secret');
    expect(facts.sources['absent.key']).toBeUndefined();
  });

  it('a very large context is walked up to MAX_CONTEXT_ENTRIES and says so', () => {
    mkdirSync(p('huge/many'), { recursive: true });
    for (let i = 0; i <= MAX_CONTEXT_ENTRIES; i++) writeFileSync(p('huge/many', `f${i}`), '');
    const facts = buildContextFacts(p('huge'), undefined, dir, whole);
    expect(facts.truncated).toBe(true);
    expect(buildContextFacts(p('open'), p('open/Dockerfile'), dir, whole).truncated).toBeUndefined();
  }, 60_000);

  it('a context directory that cannot be listed says so instead of failing', () => {
    const facts = buildContextFacts(p('no-such-dir'), undefined, dir, whole);
    expect(facts.unreadable).toMatch(/cannot be listed \(ENOENT\)/);
  });
});

describe('the audit with a context on disk', () => {
  const audit = (file: string, contextDir?: string) => auditDockerfiles([file], { cwd: dir, settings: { trustedRegistries: [], now: NOW }, ...(contextDir ? { contextDir } : {}) })[0]!;

  it('DF031 is high and names the files when a secret would be copied; evidence is redacted', () => {
    const f = audit(p('open/Dockerfile')).findings.find((x) => x.ruleId === 'DF031');
    expect(f?.severity).toBe('high');
    expect(f?.message).toContain('deploy/id_rsa');
    expect(JSON.stringify(f)).not.toContain(ENV_PASSWORD);
    expect(JSON.stringify(f)).not.toContain(GH_TOKEN);
  });

  it('DF031 is low advice when the context holds no secret', () => {
    const f = audit(p('harmless/Dockerfile')).findings.find((x) => x.ruleId === 'DF031');
    expect(f?.severity).toBe('low');
    expect(f?.message).toContain('there is no .dockerignore');
  });

  it('DF015 by content: the Dockerfile directory lacks the files (medium, content unknown); --context finds a public key (quiet) and a private key (high)', () => {
    const byDefault = audit(p('jenkins/debian/Dockerfile')).findings.filter((x) => x.ruleId === 'DF015');
    expect(byDefault.map((f) => f.severity)).toEqual(['medium', 'medium']);
    expect(byDefault[0]?.message).toContain('content unknown');
    const withContext = audit(p('jenkins/debian/Dockerfile'), p('jenkins')).findings.filter((x) => x.ruleId === 'DF015');
    expect(withContext.map((f) => [f.severity, f.message])).toEqual([['high', 'COPY deploy.key puts a secret into the image: Private key (PEM)']]);
  });
});

describe('DF015 on COPY of a plain directory', () => {
  const audit = (file: string) => auditDockerfiles([file], { cwd: dir, settings: { trustedRegistries: [], now: NOW } })[0]!;
  it('reports the secret a directory sends; not what .dockerignore excludes, a clean tree, an example file or node_modules fixtures', () => {
    const f = audit(p('dirs/Dockerfile')).findings.filter((x) => x.ruleId === 'DF015');
    expect(f.map((x) => [x.severity, x.location?.line, x.message])).toEqual([['high', 3, 'COPY config/ puts a secret into the image: config/prod/.env: Secret-looking value assigned to DB_PASSWORD']]);
    expect(JSON.stringify(f)).not.toContain(ENV_PASSWORD);
  });
});

describe('bulkhead audit dockerfile --context', () => {
  const json = async (args: string[], stdin?: string) => {
    const r = await runCli(['audit', 'dockerfile', ...args, '--format', 'json', '--fail-on', 'never'], stdin === undefined ? {} : { stdin });
    return { ...r, report: r.stdout ? (JSON.parse(r.stdout) as Report) : undefined };
  };

  it('a Dockerfile from stdin with --context is judged against that directory', async () => {
    const { report } = await json(['-', '--context', p('open')], 'FROM alpine:3.22\nUSER 1\nCOPY . /app\n');
    expect(report!.targets[0]!.findings.find((f) => f.ruleId === 'DF031')?.severity).toBe('high');
  });

  it('without --context, stdin says the context is unknown, at medium', async () => {
    const { report } = await json(['-'], 'FROM alpine:3.22\nUSER 1\nCOPY . /app\n');
    const f = report!.targets[0]!.findings.find((x) => x.ruleId === 'DF031');
    expect(f?.severity).toBe('medium');
    expect(f?.message).toContain('read from stdin');
  });

  it('a --context that does not exist is a usage error (exit 2, one line)', async () => {
    const r = await runCli(['audit', 'dockerfile', p('open/Dockerfile'), '--context', p('nope')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`--context ${p('nope')}: no such directory`);
  });

  it('a --context that is a file is a usage error too', async () => {
    const r = await runCli(['audit', 'dockerfile', p('open/Dockerfile'), '--context', p('open/Dockerfile')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a directory');
  });

  it('--help documents --context', async () => {
    const r = await runCli(['audit', 'dockerfile', '--help']);
    expect(r.stdout).toContain('--context <dir>');
  });
});
