/**
 * Engine-backed, small images FROM the test busybox: IM001 judges a setuid file by its content
 * (a copy of busybox under any name is critical), device nodes are IM014 only, and the gate's
 * secret allowlist accepts a reviewed file by path and sha256 and refuses it once it changes.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runImageGate } from '../../../src/audit/image/gate.js';
import type { HardeningPlan } from '../../../src/policy/plan.js';
import { connectEngine } from '../../../src/engine/dockerode-client.js';
import { buildDerivedImage, docker, TEST_IMAGE } from '../../helpers/engine.js';
import { runCli } from '../../helpers/cli.js';
import { rsaPem } from '../secrets/fixtures.js';

const SETUID = 'imgrules-setuid-copy:1';
const DEVICES = 'imgrules-devices:1';
const FIXTURE = 'imgrules-secret-fixture:1';
const FIXTURE_CHANGED = 'imgrules-secret-fixture:2';
const tmp = mkdtempSync(join(tmpdir(), 'imgrules-'));
afterAll(() => {
  docker(['rmi', '-f', SETUID, DEVICES, FIXTURE, FIXTURE_CHANGED], { allowFail: true });
  rmSync(tmp, { recursive: true, force: true });
});

type JsonFinding = { ruleId: string; severity: string; message: string; location?: { path?: string } };
async function audit(tag: string): Promise<JsonFinding[]> {
  const r = await runCli(['audit', 'image', tag, '--format', 'json']);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { targets: Array<{ findings: JsonFinding[] }> }).targets[0]!.findings;
}

describe('IM001 by content on a real image', () => {
  it('a setuid copy of busybox under another name is critical; a setuid script is high', async () => {
    // `RUN chmod` keeps the bits (the legacy builder drops them on COPY)
    buildDerivedImage(SETUID, [
      'RUN mkdir -p /usr/local/bin && cp /bin/busybox /usr/local/bin/pgsh && chmod 4755 /usr/local/bin/pgsh',
      "RUN mkdir -p /opt && printf '#!/bin/sh\\necho hi\\n' > /opt/tool && chmod 4755 /opt/tool",
    ].join('\n'));
    const im001 = (await audit(SETUID)).filter((f) => f.ruleId === 'IM001');
    expect(im001.map((f) => [f.location?.path, f.severity])).toEqual([
      ['/usr/local/bin/pgsh', 'critical'],
      ['/opt/tool', 'high'],
    ]);
    expect(im001[0]!.message).toBe('/usr/local/bin/pgsh is setuid (owner root:0, mode 4755): a setuid-root shell or interpreter (the same content as /bin/busybox) gives any user a root shell');
    expect(im001[1]!.message).toBe('/opt/tool is setuid (owner root:0, mode 4755): an unknown setuid-root binary');
  });
});

describe('device nodes on a real image', () => {
  it('a character device a RUN step made is IM014, not IM002; a world-writable file is IM002', async () => {
    buildDerivedImage(DEVICES, 'RUN mkdir -p /srv && mknod /srv/null c 1 3 && chmod 666 /srv/null && echo x > /srv/open && chmod 666 /srv/open');
    const findings = await audit(DEVICES);
    expect(findings.filter((f) => f.ruleId === 'IM014').map((f) => f.location?.path)).toEqual(['/srv/null']);
    expect(findings.filter((f) => f.ruleId === 'IM002').map((f) => f.message)).toEqual(['/srv/open is a world-writable file (mode 0666)']);
  });
});

describe('the gate\'s secret allowlist on a real image', () => {
  const gate = (secretAllowlist: HardeningPlan['gate']['secretAllowlist']): HardeningPlan['gate'] => ({ enabled: true, failOn: 'high', allowSkip: false, setuidAllowlist: [], secretAllowlist });
  const PATH = '/srv/app/keys/service.pem';
  /** FROM the test image, the key COPYed to PATH (a RUN would put it in the history too) */
  const buildWithFile = (tag: string, content: string): void => {
    const ctx = mkdtempSync(join(tmp, 'ctx-'));
    writeFileSync(join(ctx, 'service.pem'), content);
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nCOPY service.pem ${PATH}\n`);
    execFileSync('docker', ['build', '-q', '-t', tag, ctx], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
  };

  it('accepts a reviewed file by path and sha256, and refuses it again when its content changes', async () => {
    const key = rsaPem();
    const changedKey = `${key}# appended after the review\n`;
    buildWithFile(FIXTURE, key);
    buildWithFile(FIXTURE_CHANGED, changedKey);
    const reviewed = createHash('sha256').update(key).digest('hex');
    const engine = await connectEngine();

    const unlisted = await runImageGate(engine, FIXTURE, gate([]));
    expect(unlisted.refused).toBe(true);
    expect(unlisted.summary.some((l) => l.includes(' IM003 ') && l.includes(PATH))).toBe(true);

    const accepted = await runImageGate(engine, FIXTURE, gate([{ path: PATH, sha256: reviewed }]));
    expect(accepted).toMatchObject({ refused: false, summary: [] });

    const changed = await runImageGate(engine, FIXTURE_CHANGED, gate([{ path: PATH, sha256: reviewed }]));
    expect(changed.refused).toBe(true);
    const line = changed.summary.find((l) => l.includes(' IM003 ') && l.includes(PATH));
    expect(line).toMatch(new RegExp(`allowlisted by path in gate\\.secretAllowlist, but its content changed \\(sha256 ${createHash('sha256').update(changedKey).digest('hex').slice(0, 12)}…, the allowlist has ${reviewed.slice(0, 12)}…\\)`));
    expect(changed.summary.join('\n')).not.toContain(key.split('\n')[1]!);
  });

  it('a policy file with the allowlist lets `audit image --policy` drop the reviewed file', async () => {
    const key = rsaPem();
    buildWithFile(FIXTURE, key);
    const policy = join(tmp, 'reviewed.yaml');
    writeFileSync(policy, [
      'apiVersion: bulkhead/v1',
      'kind: Policy',
      'metadata: {name: reviewed}',
      'gate:',
      '  secretAllowlist:',
      `    - path: ${PATH}`,
      `      sha256: ${createHash('sha256').update(key).digest('hex')}`,
      '',
    ].join('\n'));
    const r = await runCli(['audit', 'image', FIXTURE, '--format', 'json', '--policy', policy]);
    const findings = (JSON.parse(r.stdout) as { targets: Array<{ findings: JsonFinding[] }> }).targets[0]!.findings;
    expect(findings.filter((f) => f.location?.path === PATH)).toEqual([]);
  });
});
