import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDerivedImage, TEST_IMAGE } from '../helpers/engine.js';

const SUID_IMAGE = 'bulkhead-test/runtime-suid:1';

/**
 * The CLI ships as esbuild bundles (scripts/bundle.mjs: an entry, a `run`-only bundle, a full
 * one, the image gate, --dry-run's output, the policy file parser and the shared errors), but
 * every other test runs src/. This builds
 * fresh bundles in a scratch package and runs the commands whose code paths the bundles
 * change: package data found through import.meta.url, lazily imported CommonJS packages, the
 * stubbed grpc/protobuf, the deferred ssh2, and the gate loaded from its own file by `run`.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
let pkg: string;

beforeAll(() => {
  pkg = mkdtempSync(join(tmpdir(), 'bulkhead-bundle-'));
  for (const entry of ['package.json', 'node_modules', 'policies', 'schemas', 'docs']) symlinkSync(join(root, entry), join(pkg, entry));
  mkdirSync(join(pkg, 'bin'));
  writeFileSync(join(pkg, 'bin', 'bulkhead.cjs'), "require('../dist/cli/main.cjs').main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then((code) => { process.exitCode = code; });\n");
  const built = spawnSync('node', [join(root, 'scripts', 'bundle.mjs'), '--outfile', join(pkg, 'dist', 'cli', 'main.cjs')], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
});
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

function cli(args: string[]) {
  return spawnSync('node', [join(pkg, 'bin', 'bulkhead.cjs'), ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(pkg, 'cache') } });
}

describe('the bundled CLI', () => {
  it('is an entry and its sibling bundles, side by side, with the run bundle\'s code cache', () => {
    const files = readdirSync(join(pkg, 'dist', 'cli')).sort();
    expect(files.filter((f) => !f.endsWith('.v8cache'))).toEqual(['bundle-dry-run.js', 'bundle-errors.cjs', 'bundle-full.js', 'bundle-gate.js', 'bundle-policy-file.js', 'bundle-run.cjs', 'main.cjs']);
    expect(files.filter((f) => f.endsWith('.v8cache'))).toEqual([expect.stringMatching(/^bundle-run\.[0-9a-f]{16}\.v8cache$/)]);
  });
  it('V8 accepts the code cache the build wrote', () => {
    const r = spawnSync('node', ['-e', `console.log(require(${JSON.stringify(join(pkg, 'dist', 'cli', 'main.cjs'))}).codeCacheStatus())`], { encoding: 'utf8' });
    expect(r.stdout.trim(), r.stderr).toBe('accepted');
  });
  it('a stale or foreign code cache is not used: the run bundle compiles from source', () => {
    const dir = join(pkg, 'dist', 'cli');
    const cache = readdirSync(dir).find((f) => f.endsWith('.v8cache'))!;
    const saved = readFileSync(join(dir, cache));
    try {
      writeFileSync(join(dir, cache), Buffer.from('not a V8 code cache'));
      const r = cli(['run', '--dry-run', '--format', 'json', '--policy', 'untrusted', TEST_IMAGE]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    } finally {
      writeFileSync(join(dir, cache), saved);
    }
  });
  it('the run bundle is ASCII, has no other command, and leaves the dry-run table and the policy parser to their bundles', () => {
    const source = readFileSync(join(pkg, 'dist', 'cli', 'bundle-run.cjs'), 'utf8');
    expect(/[\u0080-\uffff]/.test(source)).toBe(false);
    for (const absent of ['node_modules/table/', 'node_modules/js-yaml/', 'src/learn/', 'src/authz/']) expect(source).not.toContain(absent);
    const dry = cli(['run', '--dry-run', '--policy', 'untrusted', TEST_IMAGE]);
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/║ policy +│ untrusted/);
    const file = join(pkg, 'extends-untrusted.yaml');
    writeFileSync(file, 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata:\n  name: from-a-file\nextends: untrusted\n');
    const fromFile = cli(['run', '--dry-run', '--format', 'json', '--policy', file, TEST_IMAGE]);
    expect(fromFile.status, fromFile.stderr).toBe(0);
    expect((JSON.parse(fromFile.stdout) as { policy: { source: string } }).policy.source).toBe(file);
    writeFileSync(file, 'apiVersion: bulkhead/v1\nkind: Policy\n');
    const invalid = cli(['run', '--dry-run', '--policy', file, TEST_IMAGE]);
    expect(invalid.status).toBe(121);
    expect(invalid.stderr).toContain(`${file}: metadata: is required`);
  });
  it('a run evaluates none of the built-ins it defers (https, child_process, zlib)', () => {
    const probe = join(pkg, 'probe.cjs');
    writeFileSync(
      probe,
      `const Module = require('node:module'); const seen = new Set(); const load = Module._load; Module._load = function (name, ...rest) { seen.add(name.replace(/^node:/, '')); return load.call(this, name, ...rest); };
process.on('exit', () => { process.stderr.write('LOADED ' + ['https', 'child_process', 'zlib'].filter((m) => seen.has(m)).join(',') + '\\n'); });
require(${JSON.stringify(join(pkg, 'dist', 'cli', 'main.cjs'))}).main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then((code) => { process.exitCode = code; });\n`,
    );
    const r = spawnSync('node', [probe, 'run', '--dry-run', '--format', 'json', '--policy', 'untrusted', TEST_IMAGE], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('LOADED \n');
  });
  it('a sandboxed run asks for /info once, first, before the run bundle loads (src/engine/early-info.ts)', () => {
    const probe = join(pkg, 'probe-requests.cjs');
    writeFileSync(
      probe,
      `const http = require('node:http'); const paths = []; const request = http.request; http.request = function (...args) { const o = args.find((a) => a && typeof a === 'object' && 'path' in a); if (o) paths.push(o.path); return request.apply(this, args); };
process.on('exit', () => { process.stderr.write('PATHS ' + JSON.stringify(paths) + '\\n'); });
require(${JSON.stringify(join(pkg, 'dist', 'cli', 'main.cjs'))}).main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then((code) => { process.exitCode = code; });\n`,
    );
    const r = spawnSync('node', [probe, 'run', '--rm', '--label', 'bulkhead-test=runtime-bundle', '--policy', 'sandboxed', TEST_IMAGE, '--', 'true'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(pkg, 'cache') } });
    expect(r.status, r.stderr).toBe(0);
    const paths = JSON.parse(/PATHS (.*)/.exec(r.stderr)![1]!) as string[];
    expect(paths[0]).toBe('/info');
    expect(paths.filter((p) => /\/info$/.test(p))).toEqual(['/info']);
    // an untrusted run (runc) asks for no /info at all
    const runc = spawnSync('node', [probe, 'run', '--rm', '--label', 'bulkhead-test=runtime-bundle', '--policy', 'untrusted', TEST_IMAGE, '--', 'true'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(pkg, 'cache') } });
    expect(runc.status, runc.stderr).toBe(0);
    expect((JSON.parse(/PATHS (.*)/.exec(runc.stderr)![1]!) as string[]).filter((p) => /\/info$/.test(p))).toEqual([]);
  });
  it('--version and --help', () => {
    const version = cli(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(cli(['--help']).stdout).toContain('run [options] <image> [command...]');
    expect(cli(['run', '--help']).stdout).toContain('<image> [command...]');
    const audit = cli(['audit', 'dockerfile', '--help']);
    expect(audit.status, audit.stderr).toBe(0);
    expect(audit.stdout).toContain('audit dockerfile');
  });
  it('reads built-in policies and schemas from the package', () => {
    const r = cli(['run', '--dry-run', '--format', 'json', '--policy', 'service', TEST_IMAGE]);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { policy: { source: string } }).policy.source).toBe(join(pkg, 'policies', 'service.yaml'));
    expect(cli(['policy', 'show', 'untrusted']).status).toBe(0);
  });
  it('runs a container through the engine (dockerode without grpc) and audits with the gate', () => {
    const r = cli(['run', '--rm', '--label', 'bulkhead-test=runtime-bundle', '--policy', 'untrusted', TEST_IMAGE, '--', 'sh', '-c', 'echo bundled; exit 5']);
    expect(r.stdout).toBe('bundled\n');
    expect(r.status, r.stderr).toBe(5);
    expect(r.stderr).not.toContain('not audited');
  });
  it('a gate refusal from the gate bundle (an ES module) keeps its exit code in the run bundle (CommonJS)', () => {
    buildDerivedImage(SUID_IMAGE, 'RUN chmod 4755 /bin/busybox', { force: false });
    const r = cli(['run', '--rm', '--label', 'bulkhead-test=runtime-bundle', '--policy', 'untrusted', SUID_IMAGE, '--', 'true']);
    expect(r.status, r.stderr).toBe(118);
    expect(r.stderr).toContain(`refused by the image gate: ${SUID_IMAGE}`);
  });
  it('an ssh:// engine loads the real ssh2 on demand', () => {
    const r = spawnSync('node', [join(pkg, 'bin', 'bulkhead.cjs'), 'run', TEST_IMAGE], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'ssh://nobody@127.0.0.1:1' } });
    expect(r.status, r.stderr).toBe(120);
    expect(r.stderr).toMatch(/cannot reach the Docker engine at ssh:\/\/nobody@127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });
});
