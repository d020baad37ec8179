/**
 * A --report-dir run pair on the real engine: a risky container (host PID namespace, engine
 * socket mounted; a privileged one cannot start on this kernel) audited in the first run and removed before the second counts as fixed ("target removed") in the second.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_IMAGE, docker, ensureTestImage, removeContainersLabelled } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import type { Report } from '../../../src/audit/model.js';

const LABEL = 'bulkhead-test=hostchecks-report-dir';
const NAME = `hostchecks-risky-${process.pid}`;
let dir: string;

beforeAll(() => {
  ensureTestImage();
  removeContainersLabelled(LABEL);
  dir = mkdtempSync(join(tmpdir(), 'hostchecks-reports-'));
});
afterAll(() => {
  removeContainersLabelled(LABEL);
  rmSync(dir, { recursive: true, force: true });
});

describe('audit host --report-dir: a removed container', () => {
  it("counts the removed container's findings as fixed in the next run", async () => {
    docker(['run', '-d', '--name', NAME, '--label', LABEL, '--pid', 'host', '-v', '/var/run/docker.sock:/var/run/docker.sock', TEST_IMAGE, 'sleep', '600']);
    const args = ['audit', 'host', '--fs', 'none', '--report-dir', dir, '--fail-on', 'never', '--config', '/dev/null'];
    const first = await runCli([...args, '--format', 'json']);
    expect(first.code).toBe(0);
    const risky = (JSON.parse(first.stdout) as Report).targets.find((t) => t.name === NAME)!;
    expect(risky.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['CT004', 'CT006']));
    docker(['rm', '-f', NAME]);
    await new Promise((r) => setTimeout(r, 1100)); // run files are named by the second

    const second = await runCli([...args, '--format', 'json']);
    const gone = (JSON.parse(second.stdout) as Report).targets.find((t) => t.name === NAME)!;
    expect(gone.removed).toBe(true);
    expect(gone.findings).toEqual([]);
    expect(gone.fixed!.map((f) => f.fingerprint).sort()).toEqual(risky.findings.map((f) => f.fingerprint).sort());
    // the index counts them in the run's "fixed" column
    const index = readFileSync(join(dir, 'index.html'), 'utf8');
    const latestRow = index.match(/<tr class="run">.*?<\/tr>/)![0];
    const cells = [...latestRow.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]);
    expect(Number(cells.at(-3))).toBeGreaterThanOrEqual(risky.findings.length);

    // the table shows the same against the first run
    const table = await runCli([...args, '--format', 'table', '--baseline', join(dir, readdirSync(dir).filter((f) => f.endsWith('.json')).sort()[0]!)]);
    expect(table.stdout).toContain(`container ${NAME}\n  target removed or stopped since the baseline\n  fixed since the baseline: ${risky.findings.length} (`);
  }, 90_000);
});

