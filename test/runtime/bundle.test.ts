import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE } from '../helpers/engine.js';

/**
 * The CLI ships as esbuild bundles (scripts/bundle.mjs: an entry, a `run`-only bundle, a full
 * one, the image gate and the shared errors), but every other test runs src/. This builds
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
  writeFileSync(join(pkg, 'bin', 'bulkhead.js'), "import { main } from '../dist/cli/main.js';\nprocess.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });\n");
  const built = spawnSync('node', [join(root, 'scripts', 'bundle.mjs'), '--outfile', join(pkg, 'dist', 'cli', 'main.js')], { encoding: 'utf8' });
  expect(built.status, built.stderr).toBe(0);
});
afterAll(() => rmSync(pkg, { recursive: true, force: true }));

function cli(args: string[]) {
  return spawnSync('node', [join(pkg, 'bin', 'bulkhead.js'), ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: join(pkg, 'cache') } });
}

describe('the bundled CLI', () => {
  it('is an entry and its sibling bundles, side by side', () => {
    expect(readdirSync(join(pkg, 'dist', 'cli')).sort()).toEqual(['bundle-errors.js', 'bundle-full.js', 'bundle-gate.js', 'bundle-run.js', 'main.js']);
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
  it('an ssh:// engine loads the real ssh2 on demand', () => {
    const r = spawnSync('node', [join(pkg, 'bin', 'bulkhead.js'), 'run', TEST_IMAGE], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: 'ssh://nobody@127.0.0.1:1' } });
    expect(r.status, r.stderr).toBe(120);
    expect(r.stderr).toMatch(/cannot reach the Docker engine at ssh:\/\/nobody@127\.0\.0\.1:1 \(ECONNREFUSED\)/);
  });
});
