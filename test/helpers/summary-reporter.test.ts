/**
 * The closing line of the suite ("Tests: N passed, N failed, N skipped") runs vitest for real,
 * with the reporter, on files written to a temp folder outside test/ (so the suite never
 * includes them): a file that does not load, or whose hooks throw, counts as failed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const reporter = new URL('./summary-reporter.ts', import.meta.url).pathname;
const vitestBin = join(createRequire(import.meta.url).resolve('vitest/package.json'), '..', 'vitest.mjs');
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const CLOSING_LINE = /^Tests: (\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/m;

function runVitestOn(files: Record<string, string>): { status: number | null; closing: string; counts: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-reporter-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'vitest.config.ts'), "export default { test: { include: ['*.test.ts'] } };\n");
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  // the inner vitest must not think it is a worker of this one
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
  const r = spawnSync(process.execPath, [vitestBin, 'run', '--root', dir, '--reporter', 'default', '--reporter', reporter], {
    encoding: 'utf8',
    env: { ...env, NO_COLOR: '1', CI: 'true' },
    timeout: 120_000,
  });
  const m = CLOSING_LINE.exec(r.stdout);
  if (!m) throw new Error(`no closing line in vitest's output:\n${r.stdout}\n${r.stderr}`);
  return { status: r.status, closing: m[0], counts: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] };
}

const ok = "import { it, expect } from 'vitest';\nit('passes', () => expect(1).toBe(1));\nit.skip('is skipped', () => {});\n";

describe('summary reporter closing line', () => {
  it('counts a file that failed to load (missing import, syntax error, top-level throw) and a throwing hook as failed', () => {
    const r = runVitestOn({
      'ok.test.ts': ok,
      'fails.test.ts': "import { it, expect } from 'vitest';\nit('fails', () => expect(1).toBe(2));\n",
      'missing-import.test.ts': "import { it } from 'vitest';\nimport { nothing } from './does-not-exist.js';\nit('never runs', () => nothing());\n",
      'syntax-error.test.ts': "import { it } from 'vitest';\nit('never runs', () => { ;;; ) });\n",
      'throws-after-a-test.test.ts': "import { it } from 'vitest';\nit('collected first', () => {});\nthrow new Error('the module fails while loading');\n",
      'before-all-throws.test.ts': "import { it, beforeAll } from 'vitest';\nbeforeAll(() => { throw new Error('setup failed'); });\nit('skipped by the hook', () => {});\n",
      'after-all-throws.test.ts': "import { it, afterAll, describe } from 'vitest';\ndescribe('d', () => {\n  afterAll(() => { throw new Error('teardown failed'); });\n  it('passes before the hook', () => {});\n});\n",
    });
    expect(r.status).not.toBe(0);
    // passed: ok's test + the one before the failing afterAll; failed: 1 test + 5 files/suites;
    // skipped: it.skip + the test its beforeAll stopped
    expect(r.closing).toBe('Tests: 2 passed, 6 failed, 2 skipped');
  }, 150_000);

  it('says 0 failed when vitest passes the run', () => {
    const r = runVitestOn({ 'ok.test.ts': ok });
    expect(r.status).toBe(0);
    expect(r.counts).toEqual([1, 0, 1]);
  }, 150_000);
});
