import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { learn, type LearnOptions } from '../../src/learn/learn.js';
import { loadPolicy } from '../../src/policy/load.js';
import { toSeccompProfile } from '../../src/profiles/seccomp.js';

/** The newest tag of a locally built test image (scripts/real-images tags by content hash). */
function localImage(repo: string): string | undefined {
  try {
    const tag = execFileSync('docker', ['images', repo, '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).split('\n')[0]?.trim();
    return tag || undefined;
  } catch {
    return undefined;
  }
}

const engine = (() => {
  try {
    execFileSync('docker', ['version'], { stdio: 'ignore' });
    execFileSync('auditctl', ['-s'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
// with CI=true a missing engine (or auditd) fails the suite; it never skips
const run = engine || process.env.CI === 'true' ? describe : describe.skip;

const dir = mkdtempSync(join(tmpdir(), 'learn-engine-'));
const base = (o: Partial<LearnOptions> & Pick<LearnOptions, 'image' | 'output'>): LearnOptions => ({ command: [], untilExit: false, publish: [], force: false, cwd: dir, env: process.env, log: () => undefined, ...o });

run('bulkhead learn on a real engine', () => {
  it('a Python web app: learned, verified under a read-only root with its probe, far fewer syscalls than untrusted', async () => {
    const image = localImage('bulkhead-test/real-python');
    expect(image, 'bulkhead-test/real-python (scripts/real-images python)').toBeDefined();
    const r = await learn(base({ image: image!, command: ['python3', '-m', 'http.server', '8000'], policy: 'service', publish: ['127.0.0.1:18931:8000'], durationS: 2, probe: 'curl -fs localhost:18931/ >/dev/null', output: 'py.policy.yaml' }));
    console.log(`python: syscalls learned ${r.syscalls.learned} / base service ${r.syscalls.base} / untrusted ${r.syscalls.untrusted}; tmpfs [${r.tmpfs.join(', ')}]; ${(r.learnMs / 1000).toFixed(1)} s`);
    expect(r.reasons).toEqual([]);
    expect(r.learnRun.probeOk).toBe(true);
    expect(r.verified).toBe(true);
    expect(r.verifyRun?.probeOk).toBe(true);
    expect(r.written).toBe(true);
    expect(r.syscalls.learned).toBeLessThan(r.syscalls.untrusted / 3);
    const loaded = await loadPolicy(join(dir, 'py.policy.yaml'));
    expect(loaded.plan.readOnlyRootFilesystem).toBe(true);
    const names = toSeccompProfile(loaded.plan).syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW').flatMap((s) => s.names);
    expect(names).toContain('accept4');
    expect(names).not.toContain('ptrace');
    expect(readFileSync(join(dir, 'py.policy.yaml'), 'utf8')).toMatch(/^extends: "service"$/m);
  }, 60_000);

  it('a short job that writes a new directory gets a tmpfs for it and passes under the learned policy', async () => {
    const r = await learn(base({ image: 'bulkhead-test/busybox:1', command: ['sh', '-c', 'mkdir -p /tmp/w && echo x > /tmp/w/f && cat /tmp/w/f && ls /'], untilExit: true, output: 'job.policy.yaml' }));
    console.log(`busybox job: syscalls learned ${r.syscalls.learned} / untrusted ${r.syscalls.untrusted}; ${(r.learnMs / 1000).toFixed(1)} s`);
    expect(r.learnRun.exitCode).toBe(0);
    expect(r.verified).toBe(true);
    expect(r.written).toBe(true);
  }, 30_000);

  it('a workload that mounts (needs SYS_ADMIN) is reported, not allowed', async () => {
    const r = await learn(base({ image: 'bulkhead-test/busybox:1', command: ['sh', '-c', 'mount -t tmpfs t /mnt'], untilExit: true, output: 'mnt.policy.yaml' }));
    expect(r.reasons.some((x) => x.startsWith('calls mount') && x.includes('SYS_ADMIN'))).toBe(true);
    expect(r.written).toBe(false);
  }, 30_000);
});
