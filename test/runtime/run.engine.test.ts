import { EventEmitter } from 'node:events';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough, Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine } from '../../src/engine/dockerode-client.js';
import { planHash } from '../../src/policy/hash.js';
import { buildRunRequest } from '../../src/runtime/request.js';
import { runContainer } from '../../src/runtime/run.js';
import { defaultPolicyServices } from '../../src/runtime/services.js';
import { runCli as runCliWithEnv } from '../helpers/cli.js';
import { buildDerivedImage, docker, removeContainersLabelled, TEST_IMAGE } from '../helpers/engine.js';

const LABEL = 'bulkhead-test=runtime';
const USER_IMAGE = 'bulkhead-test/runtime-user:1';
const ALIAS_ROOT_IMAGE = 'bulkhead-test/runtime-alias-root:1';
const LINKED_PASSWD_IMAGE = 'bulkhead-test/runtime-linked-passwd:1';
const NAMED_USER_IMAGE = 'bulkhead-test/runtime-named-user:1';
const label = ['--label', LABEL];
let scratch: string;

/** The CLI with the gate's verdict cache in this test's scratch folder, not in ~/.cache. */
function runCli(args: string[], options: { env?: Record<string, string | undefined> } = {}) {
  return runCliWithEnv(args, { env: { XDG_CACHE_HOME: join(scratch, 'cache'), ...options.env } });
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bulkhead-runtime-'));
});
afterAll(() => {
  for (const suffix of ['', '-restart', '-labels', '-bomb', '-refused']) removeContainersLabelled(`${LABEL}${suffix}`);
  docker(['rmi', '-f', USER_IMAGE, ALIAS_ROOT_IMAGE, LINKED_PASSWD_IMAGE, NAMED_USER_IMAGE], { allowFail: true });
  rmSync(scratch, { recursive: true, force: true });
});

function containersLabelled(value: string): string[] {
  return docker(['ps', '-aq', '--filter', `label=bulkhead-test=${value}`]).split('\n').filter(Boolean);
}

/** Everything checked from inside one container, printed as key=value lines. */
const PROBE = `
grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr -d ' \\t' | tr ':' '='
echo uid=$(id -u)
if touch /rootfile 2>/dev/null; then echo rootwrite=ok; else echo rootwrite=fail; fi
if echo x > /tmp/f; then echo tmpwrite=ok; else echo tmpwrite=fail; fi
cp /bin/busybox /tmp/bb && chmod 755 /tmp/bb
if /tmp/bb true 2>/dev/null; then echo tmpexec=ok; else echo tmpexec=fail; fi
if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); else echo mem=$(cat /sys/fs/cgroup/memory.max); fi
if [ -f /sys/fs/cgroup/pids/pids.max ]; then echo pids=$(cat /sys/fs/cgroup/pids/pids.max); else echo pids=$(cat /sys/fs/cgroup/pids.max); fi
if [ -f /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then echo memsw=$(cat /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes); fi
echo unshare=$(unshare -U true 2>&1; echo " rc=$?")
echo mount=$(mount -t tmpfs x /mnt 2>&1; echo " rc=$?")
echo net=$(ls /sys/class/net | tr '\\n' ' ')
echo host=$(hostname)
`;

describe('bulkhead run --policy untrusted, inside the container', () => {
  let facts: Record<string, string> = {};
  let result: { code: number; stdout: string; stderr: string };

  beforeAll(async () => {
    result = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', TEST_IMAGE, '--', 'sh', '-c', PROBE]);
    facts = Object.fromEntries(
      result.stdout
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]),
    );
  });

  it('exits 0 and says once that AppArmor is not enforced here', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(/running without AppArmor/g)).toHaveLength(1);
  });
  it.each([
    ['CapEff', '0000000000000000'],
    ['CapBnd', '0000000000000000'],
    ['NoNewPrivs', '1'],
    ['Seccomp', '2'],
    ['uid', '65534'],
    ['rootwrite', 'fail'],
    ['tmpwrite', 'ok'],
    ['tmpexec', 'fail'],
    ['mem', String(256 * 1024 * 1024)],
    ['pids', '64'],
    ['net', 'lo'],
  ])('%s is %s', (key, expected) => {
    expect(facts[key], result.stdout + result.stderr).toBe(expected);
  });
  it('no swap: memory+swap equals memory (when the kernel accounts swap)', () => {
    if (facts.memsw !== undefined) expect(facts.memsw).toBe(String(256 * 1024 * 1024));
    else expect(facts.mem).toBe(String(256 * 1024 * 1024));
  });
  it('unshare -U and mount fail with EPERM', () => {
    expect(facts.unshare).toMatch(/not permitted/i);
    expect(facts.unshare).not.toMatch(/rc=0$/);
    expect(facts.mount).toMatch(/not permitted|permission denied/i);
    expect(facts.mount).not.toMatch(/rc=0$/);
  });
  it('--rm removed it', () => {
    expect(containersLabelled('runtime')).toEqual([]);
  });
});

describe('a user given by name is resolved in the image\'s /etc/passwd', () => {
  const addUsers = "RUN echo 'admin:x:0:0::/root:/bin/sh' >> /etc/passwd && echo 'app:x:1000:1000::/tmp:/bin/sh' >> /etc/passwd";
  it('an image USER that is uid 0 under another name runs as the policy\'s uid, and says so', async () => {
    buildDerivedImage(ALIAS_ROOT_IMAGE, `${addUsers}\nUSER admin`);
    const r = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', ALIAS_ROOT_IMAGE, '--', 'id', '-u']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('65534');
    expect(r.stderr).toContain("the image's USER admin is uid 0 (root) in its /etc/passwd: running as 65534:65534");
  });
  it('also through a symlinked /etc/passwd', async () => {
    buildDerivedImage(LINKED_PASSWD_IMAGE, `${addUsers}\nRUN mv /etc/passwd /etc/passwd.real && ln -s passwd.real /etc/passwd\nUSER admin`);
    const r = await runCli(['run', '--rm', ...label, LINKED_PASSWD_IMAGE, '--', 'id', '-u']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('65534');
  });
  it('--user with a name that is uid 0 is refused (122), and nothing is left behind', async () => {
    buildDerivedImage(ALIAS_ROOT_IMAGE, `${addUsers}\nUSER admin`, { force: false });
    const r = await runCli(['run', '--rm', ...label, '--user', 'admin', ALIAS_ROOT_IMAGE, '--', 'id', '-u']);
    expect(r.code, r.stderr).toBe(122);
    expect(r.stderr).toContain('refused: --user admin: "admin" is uid 0 (root) in the image\'s /etc/passwd');
    expect(containersLabelled('runtime')).toEqual([]);
  });
  it('a passwd line whose uid is not a number is root to runc, so to us too', async () => {
    const broken = 'bulkhead-test/runtime-broken-uid:1';
    buildDerivedImage(broken, "RUN echo 'oops:x:notanumber:0::/:/bin/sh' >> /etc/passwd");
    try {
      // plain docker runs it as root
      expect(docker(['run', '--rm', '--user', 'oops', broken, 'id', '-u'])).toBe('0');
      const r = await runCli(['run', '--rm', ...label, '--user', 'oops', broken, '--', 'id', '-u']);
      expect(r.code, r.stderr).toBe(122);
      expect(r.stderr).toContain('"oops" is uid 0 (root)');
    } finally {
      docker(['rmi', '-f', broken], { allowFail: true });
    }
  });
  it('a named non-root user runs as itself', async () => {
    buildDerivedImage(NAMED_USER_IMAGE, `${addUsers}\nUSER app`);
    const r = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', NAMED_USER_IMAGE, '--', 'id', '-u']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('1000');
    expect(r.stderr).not.toContain('uid 0');
  });
});

describe('-i and -t', () => {
  it('-i streams stdin into the container and closes it at the end', async () => {
    const r = await runCliWithEnv(['run', '-i', '--rm', ...label, '--policy', 'untrusted', TEST_IMAGE, '--', 'sh', '-c', 'cat; echo "eof seen"'], {
      stdin: 'line one\nline two\n',
      env: { XDG_CACHE_HOME: join(scratch, 'cache') },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('line one\nline two\neof seen\n');
  });
  it('-i with more input than the container reads: it ends when the container does (built CLI, stdin a pipe)', () => {
    const bin = fileURLToPath(new URL('../../bin/bulkhead.js', import.meta.url));
    const started = Date.now();
    const r = spawnSync('node', [bin, 'run', '-i', '--rm', ...label, TEST_IMAGE, '--', 'head', '-n', '2'], {
      input: 'y\n'.repeat(5 * 1024 * 1024),
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, XDG_CACHE_HOME: join(scratch, 'cache') },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('y\ny\n');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(containersLabelled('runtime')).toEqual([]);
  });
  it('-t gives the container a TTY: one output stream, in terminal line endings', async () => {
    const r = await runCli(['run', '-t', '--rm', ...label, TEST_IMAGE, '--', 'sh', '-c', 'test -t 1 && echo tty; echo err >&2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('tty\r\nerr\r\n');
  });
  it('-it without a terminal on stdin is a usage error (123), before anything is created', async () => {
    const r = await runCli(['run', '-it', '--rm', ...label, TEST_IMAGE, '--', 'true']);
    expect(r.code).toBe(123);
    expect(r.stderr).toContain('the input device is not a TTY');
    expect(containersLabelled('runtime')).toEqual([]);
  });
  it('-it on a terminal: raw keys in, the TTY sized like ours, the exit code out (through script(1))', () => {
    const bin = fileURLToPath(new URL('../../bin/bulkhead.js', import.meta.url));
    const inner = `stty cols 91 rows 27; node ${bin} run -it --rm --label ${LABEL} --policy untrusted ${TEST_IMAGE} -- sh`;
    // the keys arrive once the shell is up; a pty turns \r into a newline for it
    const r = spawnSync('sh', ['-c', `(sleep 3; printf 'id -u; stty size; exit 9\\r') | script -qec "${inner}" /dev/null`], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, XDG_CACHE_HOME: join(scratch, 'cache') },
    });
    expect(r.stdout).toMatch(/^65534\s*$/m);
    expect(r.stdout).toMatch(/^27 91\s*$/m);
    expect(r.status, r.stdout + r.stderr).toBe(9);
  });
});

describe('exit codes and lifecycle', () => {
  it('passes the container exit code through', async () => {
    const r = await runCli(['run', '--rm', ...label, '--policy', 'untrusted', TEST_IMAGE, '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(r.code).toBe(7);
    expect(r.stdout).toBe('out\n');
    expect(r.stderr).toContain('err\n');
  });
  it('127 for a command that does not exist, 126 for one that cannot be executed', async () => {
    const missing = await runCli(['run', '--rm', ...label, TEST_IMAGE, '--', 'no-such-command']);
    expect(missing.code, missing.stderr).toBe(127);
    expect(missing.stderr).toMatch(/not found/);
    const notExec = await runCli(['run', '--rm', ...label, TEST_IMAGE, '--', '/etc/passwd']);
    expect(notExec.code, notExec.stderr).toBe(126);
    expect(notExec.stderr).toMatch(/permission denied/);
    // --rm also removes a container whose command could not start
    expect(containersLabelled('runtime')).toEqual([]);
  });
  it('bind mounts are read-only by default', async () => {
    const dir = join(scratch, 'data');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    writeFileSync(join(dir, 'in.txt'), 'hello\n');
    const r = await runCli(['run', '--rm', ...label, '-v', `${dir}:/data`, TEST_IMAGE, '--', 'sh', '-c', 'cat /data/in.txt; touch /data/out.txt']);
    expect(r.stdout).toBe('hello\n');
    expect(r.stderr).toMatch(/Read-only file system/);
    expect(r.code).toBe(1);
  });
  it("keeps an image's own non-root USER, replaces root with the policy's uid", async () => {
    buildDerivedImage(USER_IMAGE, 'USER 1234:1234');
    const own = await runCli(['run', '--rm', ...label, USER_IMAGE, '--', 'id', '-u']);
    expect(own.stdout.trim(), own.stderr).toBe('1234');
    const explicit = await runCli(['run', '--rm', ...label, '--user', '4321', TEST_IMAGE, '--', 'id', '-u']);
    expect(explicit.stdout.trim(), explicit.stderr).toBe('4321');
  });
  it('stops the container when its output has no reader any more (EPIPE), without crashing', async () => {
    const request = buildRunRequest(TEST_IMAGE, ['sh', '-c', 'while :; do echo line; done'], { rm: true, label: [LABEL] }, { cwd: process.cwd(), env: {} });
    const closedPipe = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const started = Date.now();
    const code = await runContainer(request, { policy: 'untrusted', cwd: process.cwd() }, { stdout: closedPipe, stderr: new PassThrough().resume(), env: process.env }, {
      policy: await defaultPolicyServices(),
      connectEngine,
      toolVersion: 'test',
    });
    expect(code).toBe(137);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(containersLabelled('runtime')).toEqual([]);
  });
  it('forwards SIGTERM to the container and passes its exit code through', async () => {
    const request = buildRunRequest(TEST_IMAGE, ['sh', '-c', 'trap "exit 143" TERM; echo ready; while :; do sleep 0.1; done'], { rm: true, label: [LABEL] }, { cwd: process.cwd(), env: {} });
    const signals = new EventEmitter();
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const running = runContainer(request, { policy: 'untrusted', cwd: process.cwd() }, { stdout: out, stderr: new PassThrough().resume(), env: process.env }, {
      policy: await defaultPolicyServices(),
      connectEngine,
      toolVersion: 'test',
      signals,
      stopGraceMs: 20_000,
    });
    const deadline = Date.now() + 10_000;
    while (!text.includes('ready') && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
    signals.emit('SIGTERM');
    expect(await running).toBe(143);
    expect(containersLabelled('runtime')).toEqual([]);
  });
  it('records the policy, the plan and its hash in labels', async () => {
    const r = await runCli(['run', '-d', '--label', 'bulkhead-test=runtime-labels', '--policy', 'untrusted', TEST_IMAGE, '--', 'true']);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const labels = JSON.parse(docker(['inspect', '--format', '{{json .Config.Labels}}', id])) as Record<string, string>;
    docker(['rm', '-f', id]);
    expect(labels['io.bulkhead.policy']).toBe('untrusted');
    const plan = JSON.parse(labels['io.bulkhead.plan'] ?? '{}');
    expect(plan.resources.pidsLimit).toBe(64);
    expect(labels['io.bulkhead.plan-hash']).toBe(planHash(plan));
  });
  it('what bulkhead run starts, the container audit finds no drift from (labels, plan, hash)', async () => {
    for (const args of [['--policy', 'untrusted'], ['--policy', 'service', '--no-gate', '--memory', '64m', '--pids-limit', '16', '-p', '18082:80']]) {
      const r = await runCli(['run', '-d', '--label', 'bulkhead-test=runtime-labels', ...args, TEST_IMAGE, '--', 'sleep', '30']);
      expect(r.code, r.stderr).toBe(0);
      const id = r.stdout.trim();
      const audit = await runCli(['audit', 'container', id, '--format', 'json', '--fail-on', 'never']);
      docker(['rm', '-f', id]);
      expect(audit.code, audit.stderr).toBe(0);
      const report = JSON.parse(audit.stdout) as { targets: Array<{ findings: Array<{ ruleId: string; message: string }> }> };
      const drift = report.targets.flatMap((t) => t.findings).filter((f) => f.ruleId === 'CT027' || f.ruleId === 'CT028');
      expect(drift, JSON.stringify(drift)).toEqual([]);
      expect(report.targets).toHaveLength(1);
    }
  });
  it('service: bridge network, NET_BIND_SERVICE, -p bound to the policy host IP', async () => {
    const r = await runCli(['run', '-d', '--label', 'bulkhead-test=runtime-labels', '--policy', 'service', '--no-gate', '-p', '18080:80', TEST_IMAGE, '--', 'sleep', '30']);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    const hc = JSON.parse(docker(['inspect', '--format', '{{json .HostConfig}}', id])) as { NetworkMode: string; CapAdd: string[]; PortBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> };
    docker(['rm', '-f', id]);
    expect(hc.NetworkMode).toBe('bridge');
    expect(hc.CapAdd).toEqual(['NET_BIND_SERVICE']);
    expect(hc.PortBindings).toEqual({ '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] });
  });
  it('a container that exits 1 is restarted exactly N times, then stays stopped', async () => {
    const r = await runCli(['run', '-d', '--label', 'bulkhead-test=runtime-restart', '--policy', 'untrusted', TEST_IMAGE, '--', 'sh', '-c', 'exit 1']);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    const state = () => docker(['inspect', '--format', '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}', id]);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && state().split(' ')[0] !== 'exited') await new Promise((res) => setTimeout(res, 200));
    expect(state()).toBe('exited 3 1 3');
    await new Promise((res) => setTimeout(res, 1500));
    expect(state()).toBe('exited 3 1 3');
  });
});

describe('a fork bomb', () => {
  it('stops at the pids limit, the host stays responsive, and a forwarded signal cleans it up', async () => {
    // the bomb runs in a background subshell and PID 1 becomes sleep (exec, no fork): a shell
    // that fails to fork exits, which would end the container before the limit is measured.
    // its own uid: RLIMIT_NPROC counts processes per uid across the host, so a bomb as 65534
    // would also starve other containers running as 65534 (other test files run in parallel)
    const request = buildRunRequest(TEST_IMAGE, ['sh', '-c', '(f() { f | f & }; f) & exec sleep 600'], { rm: true, user: '40123:40123', label: ['bulkhead-test=runtime-bomb'] }, { cwd: process.cwd(), env: {} });
    const signals = new EventEmitter();
    const out = new PassThrough().resume();
    const started = Date.now();
    const running = runContainer(request, { policy: 'untrusted', cwd: process.cwd() }, { stdout: out, stderr: out, env: process.env }, {
      policy: await defaultPolicyServices(),
      connectEngine,
      toolVersion: 'test',
      signals,
      stopGraceMs: 500,
    });
    let id = '';
    while (!id && Date.now() - started < 10_000) {
      id = containersLabelled('runtime-bomb')[0] ?? '';
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(id).not.toBe('');
    await new Promise((res) => setTimeout(res, 2500));
    // stats come from the engine, so this works with either cgroup version
    const pids = Number(docker(['stats', '--no-stream', '--format', '{{.PIDs}}', id]));
    expect(pids).toBeGreaterThan(10);
    expect(pids).toBeLessThanOrEqual(64);
    const t0 = Date.now();
    expect(spawnSync('sh', ['-c', 'for i in 1 2 3 4 5; do /bin/true; done']).status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
    signals.emit('SIGTERM');
    const code = await running;
    // sleep as PID 1 ignores SIGTERM: after the grace period bulkhead kills it
    expect(code).toBe(137);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(containersLabelled('runtime-bomb')).toEqual([]);
  });
});

describe('refusals: one line, their own exit code, nothing created', () => {
  const refusalLabel = ['--label', 'bulkhead-test=runtime-refused'];
  it.each<[string, string[], number, RegExp]>([
    ['the Docker socket', ['-v', '/var/run/docker.sock:/var/run/docker.sock'], 122, /socket/],
    ['/etc', ['-v', '/etc:/host-etc'], 122, /\/etc may not be mounted/],
    ['--privileged', ['--privileged'], 122, /--privileged/],
    ['--network host', ['--network', 'host'], 122, /--network host/],
    ['--pid host', ['--pid', 'host'], 122, /--pid host/],
    ['--user 0', ['--user', '0'], 122, /non-root/],
    ['a capability outside the allowlist', ['--cap-add', 'SYS_ADMIN'], 122, /SYS_ADMIN/],
    ['-p without networking', ['-p', '8080:80'], 122, /publishing ports/],
    ['--memory above the policy', ['--memory', '2g'], 122, /above policy untrusted's limit/],
    ['--no-gate where the policy forbids it', ['--no-gate'], 122, /--no-gate/],
    ['an unknown flag', ['--bogus'], 123, /unknown option/],
  ])('%s', async (_name, flags, code, pattern) => {
    const r = await runCli(['run', ...refusalLabel, '--policy', 'untrusted', ...flags, TEST_IMAGE, '--', 'true']);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(pattern);
    expect(r.stdout).toBe('');
    expect(containersLabelled('runtime-refused')).toEqual([]);
  });
  it('an invalid policy file: 121, naming the file', async () => {
    const file = join(scratch, 'bad.yaml');
    writeFileSync(file, 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata:\n  name: bad\nresources:\n  limits:\n    memory: lots\n');
    const r = await runCli(['run', ...refusalLabel, '--policy', file, TEST_IMAGE, '--', 'true']);
    expect(r.code, r.stderr).toBe(121);
    expect(r.stderr).toContain('bad.yaml');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
  it('an unknown image with --pull never: 119', async () => {
    const r = await runCli(['run', ...refusalLabel, '--pull', 'never', 'bulkhead-test/no-such-image:404', '--', 'true']);
    expect(r.code, r.stderr).toBe(119);
    expect(r.stderr).toMatch(/bulkhead-test\/no-such-image:404 is not in the engine/);
  });
  it('an unknown image that cannot be pulled (the default --pull missing, no registry reachable): 117, one line', async () => {
    const r = await runCli(['run', ...refusalLabel, 'bulkhead-test/no-such-image:404', '--', 'true']);
    expect(r.code, r.stderr).toBe(117);
    expect(r.stderr.split('\n').filter((l) => l.includes('cannot pull'))).toHaveLength(1);
  });
  it('an engine that is down: 120', async () => {
    const r = await runCli(['run', ...refusalLabel, TEST_IMAGE, '--', 'true'], { env: { DOCKER_HOST: `unix://${join(scratch, 'missing.sock')}` } });
    expect(r.code, r.stderr).toBe(120);
    expect(r.stderr).toMatch(/cannot reach the Docker engine/);
  });
});

describe('--dry-run', () => {
  it('prints the plan and the docker run argv without touching the engine', async () => {
    const env = { DOCKER_HOST: `unix://${join(scratch, 'missing.sock')}` };
    const table = await runCli(['run', '--dry-run', '--policy', 'untrusted', TEST_IMAGE, '--', 'true'], { env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/pids limit\s*│\s*64/);
    expect(table.stdout).toContain('Equivalent docker run:');
    const json = await runCli(['run', '--dry-run', '--format', 'json', '--policy', 'untrusted', '-e', 'TOKEN=supersecretvalue123', TEST_IMAGE, '--', 'true'], { env });
    expect(json.code, json.stderr).toBe(0);
    expect(json.stdout).not.toContain('supersecretvalue123');
    const out = JSON.parse(json.stdout) as { dockerArgv: string[]; seccompProfilePath: string; createOptions: { HostConfig: { PidsLimit: number } } };
    expect(out.dockerArgv.slice(0, 2)).toEqual(['docker', 'run']);
    expect(out.createOptions.HostConfig.PidsLimit).toBe(64);
    expect(out.dockerArgv).toContain(`seccomp=${out.seccompProfilePath}`);
  });
  it('the printed docker run argv, run with plain docker, gives the same confinement', async () => {
    const json = await runCli(['run', '--dry-run', '--format', 'json', '--rm', '--policy', 'untrusted', '--label', LABEL, TEST_IMAGE, '--', 'sh', '-c', "grep -E '^(CapEff|Seccomp|NoNewPrivs):' /proc/self/status; id -u"]);
    const argv = (JSON.parse(json.stdout) as { dockerArgv: string[] }).dockerArgv;
    const plain = docker(argv.slice(1)).replace(/[ \t]/g, '');
    expect(plain).toBe('CapEff:0000000000000000\nNoNewPrivs:1\nSeccomp:2\n65534');
  });
});
