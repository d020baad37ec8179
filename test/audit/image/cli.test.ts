/** `bulkhead audit image` on files: no engine involved. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { FAKE } from '../secrets/fixtures.js';
import { makeDockerSave } from './tar-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-test-image-cli-'));
const clean = join(tmp, 'clean.tar');
const dirty = join(tmp, 'dirty.tar');
const broken = join(tmp, 'broken.tar');

beforeAll(async () => {
  writeFileSync(clean, await makeDockerSave({ layers: [[{ name: 'app/run.sh', content: 'exec app\n' }]] }));
  writeFileSync(dirty, await makeDockerSave({ layers: [[{ name: 'app/.npmrc', content: `//registry.npmjs.org/:_authToken=${FAKE.npm}\n` }]] }, { compress: 'gzip' }));
  writeFileSync(broken, 'not a tarball at all\n'.repeat(100));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('bulkhead audit image FILE', () => {
  it('exits 0 on a clean image, 1 on a secret, with the finding and no secret', async () => {
    expect((await runCli(['audit', 'image', clean])).code).toBe(0);
    const r = await runCli(['audit', 'image', dirty, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('IM003');
    expect(r.stdout + r.stderr).not.toContain(FAKE.npm);
    expect(r.stderr).toBe(''); // no progress line on a pipe
  });

  it('--fail-on and --max-file-size apply', async () => {
    expect((await runCli(['audit', 'image', dirty, '--fail-on', 'critical'])).code).toBe(0);
    expect((await runCli(['audit', 'image', dirty, '--max-file-size', '10'])).code).toBe(0);
    const bad = await runCli(['audit', 'image', dirty, '--max-file-size', 'lots']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-file-size lots: not a size/);
  });

  it('an unreadable target is exit 2 with one line naming it; other targets are still audited', async () => {
    const r = await runCli(['audit', 'image', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${broken.replace(/[/.]/g, '\\$&')}: .*(not an image|cannot read archive)`));
    const both = await runCli(['audit', 'image', broken, dirty, '--format', 'json']);
    expect(both.code).toBe(1);
  });
});
