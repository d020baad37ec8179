import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicy } from '../../src/policy/load.js';
import { toSeccompProfile } from '../../src/profiles/seccomp.js';
import { removeContainersLabelled, TEST_IMAGE } from '../helpers/engine.js';

// The profile under a real engine (docker CLI as a fixture): a busybox shell and its tools keep
// working, and what must be denied is denied with EPERM. The runtime tests cover `bulkhead run`.
const LABEL = 'bulkhead-test=profiles';
const dir = mkdtempSync(join(tmpdir(), 'bulkhead-seccomp-'));
afterAll(() => {
  removeContainersLabelled(LABEL);
  rmSync(dir, { recursive: true, force: true });
});

/** Writes the policy's generated profile to a file and runs `script` under it, locked down like bulkhead would. */
async function runUnderProfile(policy: string, script: string): Promise<{ status: number | null; out: string }> {
  const file = join(dir, `${policy}.json`);
  writeFileSync(file, JSON.stringify(toSeccompProfile((await loadPolicy(policy)).plan)));
  const r = spawnSync(
    'docker',
    ['run', '--rm', '--label', LABEL, '--network', 'none', '--cap-drop', 'ALL', '--user', '65534:65534',
      '--security-opt', 'no-new-privileges', '--security-opt', `seccomp=${file}`, TEST_IMAGE, 'sh', '-c', script],
    { encoding: 'utf8', timeout: 30_000 },
  );
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('generated seccomp profile in a real container', () => {
  it('keeps a busybox shell working and denies namespaces, mounts and personality changes', async () => {
    const script = [
      'grep Seccomp: /proc/self/status',
      'ls / >/dev/null && echo ls-ok',
      'echo data > /tmp/f && cat /tmp/f && rm /tmp/f && echo rm-ok',
      '(sleep 0.1; echo child-ok) & wait',
      'echo x | sort | wc -l | grep -q 1 && echo pipe-ok',
      'date +%s >/dev/null && echo date-ok',
      'ps >/dev/null && echo ps-ok',
      'unshare -U true 2>&1; echo unshare-user=$?',
      'unshare -n true 2>&1; echo unshare-net=$?',
      'mount -t tmpfs none /tmp 2>&1; echo mount=$?',
      'linux32 true 2>&1; echo linux32=$?',
      'true',
    ].join('; ');
    const r = await runUnderProfile('untrusted', script);
    expect(r.out).toContain('Seccomp:\t2');
    for (const ok of ['ls-ok', 'data', 'rm-ok', 'child-ok', 'pipe-ok', 'date-ok', 'ps-ok']) expect(r.out).toContain(ok);
    expect(r.out).toMatch(/unshare\(0x10000000\): Operation not permitted/);
    expect(r.out).toContain('unshare-user=1');
    expect(r.out).toMatch(/unshare\(0x40000000\): Operation not permitted/);
    expect(r.out).toContain('unshare-net=1');
    expect(r.out).toContain('mount=1');
    // PER_LINUX32 (0x8) is one of the safe personalities: allowed
    expect(r.out).toContain('linux32=0');
    expect(r.status).toBe(0);
  });
});
