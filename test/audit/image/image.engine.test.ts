/**
 * Engine-backed: an image built FROM scratch with planted issues (setuid busybox, a key added
 * then deleted, a token in ENV and in a build ARG), audited by REF through the Engine API's
 * export stream and by a `docker save` file: same findings, no secret in any output format.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImageGate } from '../../../src/audit/image/gate.js';
import { connectEngine } from '../../../src/engine/dockerode-client.js';
import { FORMATTERS } from '../../../src/audit/report/formatters/index.js';
import { buildDerivedImage, busyboxPath, docker, TEST_IMAGE } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import { FAKE, rsaPem } from '../secrets/fixtures.js';

const TAG = 'bulkhead-test/image-planted:1';
const tmp = mkdtempSync(join(tmpdir(), 'bulkhead-test-image-engine-'));
const saved = join(tmp, 'planted.tar');
const gate = { enabled: true, failOn: 'high' as const, allowSkip: false, setuidAllowlist: [] as Array<{ path: string; sha256?: string }>, secretAllowlist: [] as Array<{ path: string; sha256: string }> };

beforeAll(() => {
  const ctx = join(tmp, 'ctx');
  execFileSync('mkdir', ['-p', ctx]);
  copyFileSync(busyboxPath(), join(ctx, 'busybox'));
  writeFileSync(join(ctx, 'id_rsa'), rsaPem());
  writeFileSync(
    join(ctx, 'Dockerfile'),
    [
      `FROM ${TEST_IMAGE}`,
      `ENV GITHUB_TOKEN=${FAKE.github}`,
      `ARG NPM_TOKEN=${FAKE.npm}`,
      'COPY id_rsa /root/.ssh/id_rsa',
      'RUN echo "$NPM_TOKEN" >/dev/null && rm /root/.ssh/id_rsa',
      'RUN chmod 4755 /bin/busybox',
      'EXPOSE 22',
    ].join('\n'),
  );
  execFileSync('docker', ['build', '-q', '-t', TAG, ctx], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  docker(['save', '-o', saved, TAG]);
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  docker(['rmi', '-f', TAG], { allowFail: true });
});

const summary = (json: string) =>
  (JSON.parse(json) as { targets: Array<{ findings: Array<{ ruleId: string; location?: { path?: string; layer?: { index: number; digest: string } } }> }> }).targets[0]!.findings
    .map((f) => `${f.ruleId} ${f.location?.path ?? ''} ${f.location?.layer?.index ?? ''} ${f.location?.layer?.digest ?? ''}`)
    .sort();

describe('audit image on the real engine', () => {
  it('finds the planted issues by REF and by docker save file, identically', async () => {
    const byRef = await runCli(['audit', 'image', TAG, '--format', 'json', '--fail-on', 'high']);
    expect(byRef.code, byRef.stderr).toBe(1);
    const byFile = await runCli(['audit', 'image', saved, '--format', 'json']);
    expect(byFile.code, byFile.stderr).toBe(1);
    const refFindings = summary(byRef.stdout);
    expect(refFindings).toEqual(summary(byFile.stdout));
    const rules = new Set(refFindings.map((f) => f.split(' ')[0]));
    for (const id of ['IM001', 'IM004', 'IM005', 'IM006', 'IM007', 'IM008', 'IM009']) expect(rules, id).toContain(id);
    expect(refFindings.some((f) => f.startsWith('IM001 /bin/busybox '))).toBe(true);
    expect(refFindings.some((f) => f.startsWith('IM004 /root/.ssh/id_rsa '))).toBe(true);
  });

  it('never prints a planted secret, in any format', async () => {
    const secrets = [FAKE.github, FAKE.npm, rsaPem().split('\n')[1]!];
    for (const format of Object.keys(FORMATTERS)) {
      const r = await runCli(['audit', 'image', TAG, '--format', format]);
      for (const s of secrets) {
        expect(r.stdout, format).not.toContain(s);
        expect(r.stderr, format).not.toContain(s);
      }
    }
    const out = join(tmp, 'report.json');
    await runCli(['audit', 'image', saved, '--output', out]);
    for (const s of secrets) expect(readFileSync(out, 'utf8')).not.toContain(s);
  });

  it('gate: refuses with one redacted line per finding; the allowlist accepts busybox by path and sha256 only', async () => {
    const engine = await connectEngine();
    const refused = await runImageGate(engine, TAG, gate);
    expect(refused.refused).toBe(true);
    expect(refused.summary.some((l) => l.includes('IM001') && l.includes('/bin/busybox'))).toBe(true);
    for (const s of [FAKE.github, FAKE.npm]) expect(refused.summary.join('\n')).not.toContain(s);

    const sha = (refused.report.targets[0]!.findings.find((f) => f.ruleId === 'IM001')?.evidence ?? '').match(/sha256:([0-9a-f]{64})/)?.[1];
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const accepted = await runImageGate(engine, TAG, { ...gate, failOn: 'critical', setuidAllowlist: [{ path: '/bin/busybox', sha256: sha! }] });
    expect(accepted.summary.filter((l) => l.includes('IM001'))).toEqual([]);
    const changed = await runImageGate(engine, TAG, { ...gate, failOn: 'critical', setuidAllowlist: [{ path: '/bin/busybox', sha256: '0'.repeat(64) }] });
    expect(changed.refused).toBe(true);
    expect(changed.summary.find((l) => l.includes('IM001'))).toMatch(/allowlisted by path in gate\.setuidAllowlist, but its content changed/);

    const clean = await runImageGate(engine, TEST_IMAGE, { ...gate, failOn: 'critical' });
    expect(clean).toMatchObject({ refused: false, summary: [] });
  });

  it('USER given as a name that the image\'s /etc/passwd makes uid 0 is root (IM007), by REF', async () => {
    const tag = 'bulkhead-test/image-alias-root:1';
    buildDerivedImage(tag, 'RUN echo "admin:x:0:0::/root:/bin/sh" >> /etc/passwd\nUSER admin');
    try {
      const r = await runCli(['audit', 'image', tag, '--format', 'json']);
      const im007 = (JSON.parse(r.stdout) as { targets: Array<{ findings: Array<{ ruleId: string; message: string; location?: { path?: string } }> }> }).targets[0]!.findings.filter((f) => f.ruleId === 'IM007');
      expect(im007.map((f) => [f.message, f.location?.path])).toEqual([['the image runs as admin, which is uid 0 (root) in its /etc/passwd', '/etc/passwd']]);
    } finally {
      docker(['rmi', '-f', tag], { allowFail: true });
    }
  });

  it('a missing image is a target error (exit 2), not a crash', async () => {
    const r = await runCli(['audit', 'image', 'bulkhead-test/image-does-not-exist:0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no image of that name|not found|No such image/i);
  });
});
