import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as runCliWithEnv } from '../helpers/cli.js';
import { buildDerivedImage, docker, removeContainersLabelled, TEST_IMAGE } from '../helpers/engine.js';

/** Every check here is made from inside the container (or by what the engine does to it), not from the options. */
const LABEL = 'bulkhead-test=untrusted-flags';
const NAMED_IMAGE = 'bulkhead-test/untrusted-named-user:1';
const STATE_DIR_IMAGE = 'bulkhead-test/untrusted-state-dir:1';
const label = ['--label', LABEL];
let scratch: string;

function runCli(args: string[]) {
  return runCliWithEnv(args, { env: { XDG_CACHE_HOME: join(scratch, 'cache') } });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bulkhead-flags-engine-'));
  buildDerivedImage(NAMED_IMAGE, "RUN echo 'app:x:1000:1000::/tmp:/bin/sh' >> /etc/passwd\nUSER app");
  buildDerivedImage(STATE_DIR_IMAGE, 'RUN mkdir -p /var/lib/app');
});
afterAll(() => {
  removeContainersLabelled(LABEL);
  docker(['rmi', '-f', NAMED_IMAGE, STATE_DIR_IMAGE], { allowFail: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('--tmpfs, seen from inside', () => {
  it('is owned by the run\'s uid:gid, has the mode asked for, and is noexec,nosuid,nodev', async () => {
    const probe = `stat -c '%u %g %a' /data; grep ' /data ' /proc/mounts; echo x > /data/f && echo write=ok; cp /bin/busybox /data/bb; chmod 755 /data/bb; /data/bb true 2>/dev/null && echo exec=ok || echo exec=fail`;
    const r = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', '--tmpfs', '/data:size=8m,mode=700', TEST_IMAGE, '--', 'sh', '-c', probe]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('65534 65534 700');
    expect(lines[1]).toMatch(/^tmpfs \/data tmpfs rw,nosuid,nodev,noexec,relatime,size=8192k,mode=700,uid=65534,gid=65534 /);
    expect(lines).toContain('write=ok');
    expect(lines).toContain('exec=fail');
  });
  it('the policy\'s own /tmp belongs to the run\'s user too', async () => {
    const r = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', TEST_IMAGE, '--', 'stat', '-c', '%u %g', '/tmp']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('65534 65534');
  });
  it('an image\'s named USER owns them, by the uid its /etc/passwd gives', async () => {
    const r = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', '--tmpfs', '/cache', NAMED_IMAGE, '--', 'sh', '-c', 'id -u; stat -c %u /cache; touch /cache/ok && echo write=ok']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['1000', '1000', 'write=ok']);
  });
  it('a size above the policy\'s is refused before anything is created', async () => {
    const r = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', '--tmpfs', '/tmp:size=1g', TEST_IMAGE, '--', 'true']);
    expect(r.code).toBe(122);
    expect(r.stderr).toMatch(/--tmpfs \/tmp:size=1g: above policy untrusted's size of 64m/);
  });
});

describe('a write that hits the read-only root', () => {
  it('is followed by one line naming the --tmpfs that would help', async () => {
    const r = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', STATE_DIR_IMAGE, '--', 'mkdir', '/var/lib/app/body']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mkdir: can't create directory '\/var\/lib\/app\/body': Read-only file system\nbulkhead: the root filesystem is read-only and the container failed writing \/var\/lib\/app\/body: --tmpfs \/var\/lib\/app would give it writable \(noexec\) space there\n$/);
    // and that flag is the fix
    const fixed = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', '--tmpfs', '/var/lib/app', STATE_DIR_IMAGE, '--', 'mkdir', '/var/lib/app/body']);
    expect(fixed.code, fixed.stderr).toBe(0);
  });
  it('says nothing when the container succeeds', async () => {
    const r = await runCli(['run', '--rm', ...label, TEST_IMAGE, '--', 'sh', '-c', 'mkdir /var/x 2>&1; true']);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('--tmpfs');
  });
});

describe('the neutral run flags, seen from inside', () => {
  it('--workdir, --hostname, --entrypoint and --env-file (with -e overriding it)', async () => {
    const envFile = join(scratch, 'app.env');
    writeFileSync(envFile, '# settings\nGREETING=hello from file\nWHO=file\n');
    const r = await runCli(['run', '--rm', ...label, '--workdir', '/etc', '--hostname', 'box1', '--env-file', envFile, '-e', 'WHO=flag', '--entrypoint', '/bin/sh', TEST_IMAGE, '--', '-c', 'pwd; hostname; echo "$GREETING/$WHO"']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['/etc', 'box1', 'hello from file/flag']);
  });
  it('--init puts docker-init at PID 1, with the command as its child', async () => {
    const r = await runCli(['run', '--rm', ...label, '--init', TEST_IMAGE, '--', 'sh', '-c', "tr '\\0' ' ' < /proc/1/cmdline; echo; echo ppid=$PPID"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\/sbin\/docker-init -- sh -c /);
    expect(r.stdout).toContain('ppid=1');
    // without it, the command itself is PID 1
    const plain = await runCli(['run', '--rm', ...label, TEST_IMAGE, '--', 'sh', '-c', 'echo $$']);
    expect(plain.stdout.trim()).toBe('1');
  });
  it('--stop-timeout: a container that ignores SIGTERM is killed after that many seconds, not docker\'s 10', async () => {
    const r = await runCli(['run', '-d', ...label, '--name', 'untrusted-flags-stop', '--stop-timeout', '1', TEST_IMAGE, '--', 'sh', '-c', "trap '' TERM; while true; do sleep 1; done"]);
    expect(r.code, r.stderr).toBe(0);
    const started = Date.now();
    docker(['stop', 'untrusted-flags-stop']);
    const took = Date.now() - started;
    docker(['rm', '-f', 'untrusted-flags-stop'], { allowFail: true });
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(6000);
  });
  it('--health-cmd/--health-interval: the engine runs the check inside and reports healthy', async () => {
    const r = await runCli(['run', '-d', ...label, '--name', 'untrusted-flags-health', '--health-cmd', 'echo checked > /tmp/health', '--health-interval', '1s', TEST_IMAGE, '--', 'sleep', '60']);
    expect(r.code, r.stderr).toBe(0);
    let status = '';
    for (let i = 0; i < 30 && status !== 'healthy'; i++) {
      await new Promise((res) => setTimeout(res, 500));
      status = docker(['inspect', '-f', '{{.State.Health.Status}}', 'untrusted-flags-health']);
    }
    const inside = docker(['exec', 'untrusted-flags-health', 'cat', '/tmp/health']);
    docker(['rm', '-f', 'untrusted-flags-health'], { allowFail: true });
    expect(status).toBe('healthy');
    expect(inside).toBe('checked');
  });
  it('--cidfile holds the id of the container that ran; an existing file is refused before create', async () => {
    const cid = join(scratch, 'run.cid');
    const r = await runCli(['run', ...label, '--cidfile', cid, TEST_IMAGE, '--', 'hostname']);
    expect(r.code, r.stderr).toBe(0);
    const id = readFileSync(cid, 'utf8');
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    // the container's own hostname is its short id
    expect(r.stdout.trim()).toBe(id.slice(0, 12));
    const before = docker(['ps', '-aq', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean).length;
    const again = await runCli(['run', ...label, '--cidfile', cid, TEST_IMAGE, '--', 'true']);
    expect(again.code).toBe(123);
    expect(again.stderr).toMatch(/--cidfile .*run.cid: the file exists/);
    expect(docker(['ps', '-aq', '--filter', `label=${LABEL}`]).split('\n').filter(Boolean).length).toBe(before);
    docker(['rm', '-f', id], { allowFail: true });
    expect(existsSync(cid)).toBe(true);
  });
  it('--platform: the image\'s own platform runs; another one is refused in one line', async () => {
    const ok = await runCli(['run', '--rm', ...label, '--platform', 'linux/amd64', TEST_IMAGE, '--', 'uname', '-m']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe('x86_64');
    const other = await runCli(['run', '--rm', ...label, '--platform', 'linux/arm64', TEST_IMAGE, '--', 'true']);
    expect(other.code).toBe(119);
    expect(other.stderr).toMatch(/does not match the specified platform: wanted linux\/arm64/);
  });
});
