import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker, TEST_IMAGE } from '../helpers/engine.js';
import type { Report } from '../../src/audit/model.js';

/**
 * The exported override against the real engine, with Debian's docker-compose (v1.29): the
 * hardened service comes up, and `bulkhead audit container` reports on it what it reports on a
 * container `bulkhead run` started under the same policy. No skipping: without docker-compose
 * or an engine this fails.
 */
const bin = fileURLToPath(new URL('../../bin/bulkhead.js', import.meta.url));
const project = `compose-bh-${process.pid}`;
const runName = `compose-bh-run-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'compose-engine-'));

function bulkhead(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
}
function compose(args: string[]) {
  return spawnSync('docker-compose', ['-p', project, '-f', 'compose.yaml', '-f', 'compose.bulkhead.yaml', ...args], { encoding: 'utf8', cwd: dir });
}
function ruleIds(name: string): string[] {
  const r = bulkhead(['audit', 'container', '--fs', 'none', '-f', 'json', '--fail-on', 'never', name]);
  expect(r.status, r.stderr).toBe(0);
  return [...new Set((JSON.parse(r.stdout) as Report).targets[0]!.findings.map((f) => f.ruleId))].sort();
}

describe('policy export --to compose on the real engine (docker-compose v1)', () => {
  beforeAll(() => {
    spawnSync('bash', [fileURLToPath(new URL('../../scripts/build-test-image', import.meta.url))], { stdio: 'inherit' });
    writeFileSync(join(dir, 'compose.yaml'), `services:\n  app:\n    image: ${TEST_IMAGE}\n    command: ["sleep", "300"]\n`);
  });
  afterAll(() => {
    compose(['down', '-t', '0']);
    docker(['rm', '-f', runName], { allowFail: true });
  });

  it('the override brings the service up hardened, audited like a bulkhead run container', () => {
    const exp = bulkhead(['policy', 'export', '--to', 'compose', '--policy', 'service', '-o', 'compose.bulkhead.yaml', 'compose.yaml']);
    expect(exp.status, exp.stderr).toBe(0);
    // nothing in this base file is beyond an override
    expect(exp.stderr).not.toContain('base-file setting');
    const up = compose(['up', '-d']);
    expect(up.status, up.stderr).toBe(0);
    const id = compose(['ps', '-q', 'app']).stdout.trim();
    const state = JSON.parse(docker(['inspect', id]))[0] as { Name: string; State: { Running: boolean }; HostConfig: Record<string, unknown> };
    expect(state.State.Running).toBe(true);
    expect(state.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ['ALL'], CapAdd: ['NET_BIND_SERVICE'], Memory: 536870912, PidsLimit: 256 });
    expect((state.HostConfig.SecurityOpt as string[]).some((o) => o.startsWith('seccomp={'))).toBe(true);

    const run = bulkhead(['run', '--policy', 'service', '-d', '--name', runName, TEST_IMAGE, 'sleep', '300']);
    expect(run.status, run.stderr).toBe(0);

    const composed = ruleIds(state.Name.replace(/^\//, ''));
    const ran = ruleIds(runName);
    console.log(`audit container: compose service ${composed.join(' ')} | bulkhead run ${ran.join(' ')}`);
    // the two differ only where the containers differ by construction: bulkhead run puts the
    // container on the default bridge (CT030) and, where AppArmor is enforced, loads its own profile;
    // compose attaches it to the project network. Everything the policy decides is reported alike.
    const byConstruction = new Set(['CT030', 'CT017']);
    expect(composed.filter((x) => !byConstruction.has(x))).toEqual(ran.filter((x) => !byConstruction.has(x)));
    expect(composed).not.toContain('CT030');
  }, 180_000);
});
