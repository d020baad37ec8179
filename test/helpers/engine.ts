/**
 * Test-side engine helpers. Tests may use the docker CLI for fixtures; the product never does.
 * There is no skipping: a test that needs the engine fails when none answers (CI=true or not),
 * because scripts/engine is how an engine is obtained on these machines.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TEST_IMAGE = 'bulkhead-test/busybox:1';
const fixtures = new URL('../fixtures/images/', import.meta.url).pathname;

export function docker(args: string[], options: { input?: string; allowFail?: boolean } = {}): string {
  const r = spawnSync('docker', args, { encoding: 'utf8', input: options.input, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0 && !options.allowFail) {
    throw new Error(`docker ${args.join(' ')} failed (${r.status}): ${r.stderr.trim()}`);
  }
  return r.stdout.trim();
}

export function engineAnswers(): boolean {
  return spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).status === 0;
}

export function imageExists(ref: string): boolean {
  return spawnSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0;
}

/** Static busybox from Debian's busybox-static, the only binary the test images need. */
export function busyboxPath(): string {
  for (const p of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(p)) return p;
  throw new Error('static busybox not found: run scripts/engine (installs busybox-static)');
}

/**
 * Builds test/fixtures/images/<dir>/Dockerfile as <tag>, with the static busybox and every file
 * of the fixture folder in the context. Rebuilt only when missing unless `force`.
 */
export function buildFixtureImage(dir: string, tag: string, options: { force?: boolean; dockerfile?: string } = {}): string {
  if (!options.force && imageExists(tag)) return tag;
  const ctx = mkdtempSync(join(tmpdir(), 'bulkhead-img-'));
  try {
    copyFileSync(busyboxPath(), join(ctx, 'busybox'));
    const src = join(fixtures, dir);
    for (const f of readdirSync(src)) copyFileSync(join(src, f), join(ctx, f));
    if (options.dockerfile !== undefined) {
      execFileSync('docker', ['build', '-q', '-t', tag, '-f', '-', ctx], { input: options.dockerfile, stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    } else {
      execFileSync('docker', ['build', '-q', '-t', tag, ctx], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    }
  } finally {
    rmSync(ctx, { recursive: true, force: true });
  }
  return tag;
}

/** Builds an image FROM the test busybox image with the given Dockerfile body (after the FROM line). */
export function buildDerivedImage(tag: string, body: string, options: { force?: boolean } = {}): string {
  return buildFixtureImage('busybox', tag, { force: options.force ?? true, dockerfile: `FROM ${TEST_IMAGE}\n${body}\n` });
}

export function ensureTestImage(): string {
  return buildFixtureImage('busybox', TEST_IMAGE);
}

/** Removes containers carrying a label, e.g. the ones a test file started. */
export function removeContainersLabelled(label: string): void {
  const ids = docker(['ps', '-aq', '--filter', `label=${label}`], { allowFail: true }).split('\n').filter(Boolean);
  if (ids.length) docker(['rm', '-f', ...ids], { allowFail: true });
}
