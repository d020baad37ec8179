import { execSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli as runCliWithEnv } from '../helpers/cli.js';
import { docker, removeContainersLabelled, TEST_IMAGE } from '../helpers/engine.js';

/**
 * `--policy sandboxed` inside gVisor, checked from inside. Needs the runsc that scripts/engine
 * registers; without it these fail (they never skip).
 */
const LABEL = 'bulkhead-test=untrusted-sandbox';
const PY_SLIM = 'bulkhead-test/untrusted-python-slim:1';
let scratch: string;
const runCli = (args: string[]) => runCliWithEnv(args, { env: { XDG_CACHE_HOME: join(scratch, 'cache') } });

const PROBE = `
echo kernel=$(uname -r)
echo dmesg=$(dmesg 2>&1)
grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status | tr -d ' \\t' | tr ':' '='
echo uid=$(id -u)
if touch /rootfile 2>/dev/null; then echo rootwrite=ok; else echo rootwrite=fail; fi
if echo x > /tmp/f; then echo tmpwrite=ok; else echo tmpwrite=fail; fi
cp /bin/busybox /tmp/bb && chmod 755 /tmp/bb
if /tmp/bb true 2>/dev/null; then echo tmpexec=ok; else echo tmpexec=fail; fi
echo net=$(ls /sys/class/net)
echo unshare=$(unshare -U true 2>&1; echo " rc=$?")
`;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bulkhead-sandbox-'));
  const runtimes = docker(['info', '--format', '{{json .Runtimes}}']);
  if (!runtimes.includes('runsc')) throw new Error('no runsc runtime registered with the engine: run scripts/engine (as root)');
  // Debian's python3 without the files the secret rules flag in it today (its test keys and
  // pip's docs: the image auditor's business), squashed so no deleted layer keeps them
  const real = docker(['images', '--format', '{{.Repository}}:{{.Tag}}', 'bulkhead-test/real-python']).split('\n').find(Boolean);
  if (!real) throw new Error('no bulkhead-test/real-python image: build it with scripts/real-images');
  const c = docker(['create', real, 'sh', '-c', 'rm -rf /usr/lib/python3.11/test /usr/lib/python3/dist-packages /usr/share/doc /usr/lib/python3.11/urllib/request.py']);
  docker(['start', '-a', c]);
  execSync(`docker export ${c} | docker import --change 'CMD ["python3"]' - ${PY_SLIM}`, { stdio: 'ignore' });
  docker(['rm', c]);
}, 300_000);
afterAll(() => {
  removeContainersLabelled(LABEL);
  docker(['rmi', '-f', PY_SLIM], { allowFail: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('--policy sandboxed runs inside gVisor, seen from inside', () => {
  let facts: Record<string, string> = {};
  let result: { code: number; stdout: string; stderr: string };
  beforeAll(async () => {
    result = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'sandboxed', TEST_IMAGE, '--', 'sh', '-c', PROBE]);
    facts = Object.fromEntries(result.stdout.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]));
  });
  it('gVisor\'s kernel answers: uname -r is 4.4.0 and the kernel log is not the host\'s', () => {
    expect(result.code, result.stderr).toBe(0);
    expect(facts.kernel).toBe('4.4.0');
    expect(facts.kernel).not.toBe(docker(['run', '--rm', '--network', 'none', TEST_IMAGE, 'uname', '-r']));
    expect(facts.dmesg).toMatch(/Operation not permitted/);
  });
  it.each([
    ['CapEff', '0000000000000000'],
    ['CapBnd', '0000000000000000'],
    // gVisor reports the seccomp filter it applies (--oci-seccomp)
    ['Seccomp', '2'],
    ['uid', '65534'],
    ['rootwrite', 'fail'],
    ['tmpwrite', 'ok'],
    ['tmpexec', 'fail'],
    ['net', 'lo'],
  ])('%s is %s', (key, value) => {
    expect(facts[key], result.stdout).toBe(value);
  });
  it('has no NoNewPrivs line in /proc/self/status (gVisor does not print it); a setuid copy gains nothing', () => {
    expect(facts.NoNewPrivs).toBeUndefined();
    expect(facts.unshare).toMatch(/not permitted/i);
  });
  // measured: killed (137), but after 2 to 40 s of reclaim alone and longer under load; so the
  // test checks that the hog never gets its memory: the sandbox's peak stays within the limit
  it('the memory limit holds for the sandbox as a whole: a hog never gets past it', async () => {
    const r = await runCli(['run', '-d', '--label', LABEL, '--name', 'untrusted-sandbox-hog', '--policy', 'sandboxed', TEST_IMAGE, '--', 'sh', '-c', 'x=$(head -c 400000000 /dev/zero | tr "\\0" a); echo survived ${#x}']);
    expect(r.code, r.stderr).toBe(0);
    const id = r.stdout.trim();
    let state = '';
    for (let i = 0; i < 60 && !state.startsWith('exited'); i++) {
      await new Promise((res) => setTimeout(res, 1000));
      state = docker(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', id]);
    }
    const peakFile = `/sys/fs/cgroup/memory/docker/${id}/memory.max_usage_in_bytes`;
    const peak = existsSync(peakFile) ? Number(readFileSync(peakFile, 'utf8')) : undefined;
    const logs = docker(['logs', id]);
    docker(['rm', '-f', id], { allowFail: true });
    expect(logs).not.toContain('survived');
    if (state.startsWith('exited')) expect(state).toBe('exited 137');
    else expect(peak).toBeLessThanOrEqual(256 * 1024 * 1024);
  }, 120_000);
  it('the container is labelled with the runtime and runs under it', async () => {
    const r = await runCli(['run', '-d', '--label', LABEL, '--name', 'untrusted-sandbox-label', '--policy', 'sandboxed', TEST_IMAGE, '--', 'sleep', '30']);
    expect(r.code, r.stderr).toBe(0);
    const [runtime, label] = docker(['inspect', '-f', '{{.HostConfig.Runtime}} {{index .Config.Labels "io.bulkhead.runtime"}}', 'untrusted-sandbox-label']).split(' ');
    docker(['rm', '-f', 'untrusted-sandbox-label'], { allowFail: true });
    expect(runtime).toBe('runsc');
    expect(label).toBe('runsc');
  });
  it('untrusted keeps runc', async () => {
    const r = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'untrusted', TEST_IMAGE, '--', 'uname', '-r']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).not.toBe('4.4.0');
  });
  it('a python web server runs under sandboxed and answers on the sandbox\'s loopback', async () => {
    const script = 'cd /tmp && echo "<p>served inside gVisor</p>" > index.html && (python3 -m http.server 8000 --bind 127.0.0.1 >/tmp/log 2>&1 &); sleep 2; python3 -c "import http.client,os;c=http.client.HTTPConnection(\\"127.0.0.1\\",8000);c.request(\\"GET\\",\\"/\\");r=c.getresponse();print(r.status, r.read().decode().strip()); print(os.uname().release)"';
    const r = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'sandboxed', PY_SLIM, '--', 'sh', '-c', script]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual(['200 <p>served inside gVisor</p>', '4.4.0']);
  }, 120_000);
});

/**
 * A fork bomb under each policy, watched from outside through the container's pids cgroup (this
 * host is cgroup v1: /sys/fs/cgroup/pids/docker/<id>/) while the engine and the host are asked
 * to answer. `b(){ b | b & }; b` with PID 1 kept alive by a builtin read (no fork needed). The
 * container is removed in `finally` whatever happens.
 */
const BOMB = 'mkfifo /tmp/hold; b(){ b | b & }; b; while :; do read x <> /tmp/hold; done 2>/dev/null';
const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

interface BombRun {
  code: number;
  stderr: string;
  pidsMax: number;
  peak: number;
  /** the run ended by itself, before the test killed it */
  endedAlone: boolean;
  /** ms from the container's id to its end, or to the kill */
  aliveMs: number;
  /** ms from `docker kill` to the run's exit (when the test killed it) */
  killMs?: number;
  /** ms for `docker version` and for the host to run `true`, taken at 60% of pids.max */
  engineMs: number;
  hostMs: number;
}

/** ms for the engine to answer `docker version` and for the host to run `true` */
function responsiveness(): [number, number] {
  let t = performance.now();
  docker(['version', '--format', '{{.Server.Version}}']);
  const engineMs = performance.now() - t;
  t = performance.now();
  expect(spawnSync('true').status).toBe(0);
  return [engineMs, performance.now() - t];
}

async function forkBomb(policy: string, watchMs: number): Promise<BombRun> {
  const name = `g-forkbomb-${policy}-${process.pid}`;
  const cidfile = join(scratch, `${name}.cid`);
  docker(['rm', '-f', name], { allowFail: true });
  rmSync(cidfile, { force: true });
  let done = false;
  const run = runCli(['run', '--rm', '--label', LABEL, '--name', name, '--cidfile', cidfile, '--policy', policy, TEST_IMAGE, '--', 'sh', '-c', BOMB]).finally(() => (done = true));
  try {
    for (let i = 0; i < 200 && !existsSync(cidfile) && !done; i++) await sleep(50);
    const id = readFileSync(cidfile, 'utf8').trim();
    const dir = `/sys/fs/cgroup/pids/docker/${id}`;
    const read = (f: string) => {
      try {
        return readFileSync(`${dir}/${f}`, 'utf8').trim();
      } catch {
        return undefined; // not created yet, or gone with the container
      }
    };
    let pidsMax = NaN;
    let peak = 0;
    let engineMs = NaN;
    let hostMs = NaN;
    const start = performance.now();
    while (!done && performance.now() - start < watchMs) {
      const max = read('pids.max');
      if (max !== undefined) pidsMax = Number(max);
      peak = Math.max(peak, Number(read('pids.current') ?? 0));
      if (Number.isNaN(engineMs) && peak >= pidsMax * 0.6) [engineMs, hostMs] = responsiveness();
      await sleep(20);
    }
    // a sandbox that died between two samples: the engine and host right after it
    if (Number.isNaN(engineMs)) [engineMs, hostMs] = responsiveness();
    const endedAlone = done;
    const aliveMs = performance.now() - start;
    let killMs: number | undefined;
    if (!done) {
      const t = performance.now();
      docker(['kill', id], { allowFail: true });
      await run;
      killMs = performance.now() - t;
    }
    const r = await run;
    return { code: r.code, stderr: r.stderr, pidsMax, peak, endedAlone, aliveMs, killMs, engineMs, hostMs };
  } finally {
    docker(['rm', '-f', name], { allowFail: true });
    await Promise.race([run, sleep(10_000)]);
  }
}

describe('a fork bomb is held by the pids limit', () => {
  // measured (runsc 0.0~20221219, ptrace platform): every application process costs the sandbox
  // about 9 host pids (a stub process and Sentry threads), so 128 is reached within a second; the
  // Sentry then cannot create an OS thread ("runtime: failed to create new OS thread ... errno=11",
  // "fatal error: newosproc" in runsc's boot log) and the whole sandbox exits 2
  it('sandboxed (gVisor): the sandbox never passes pids.max and dies as a whole; the engine and host answer', async () => {
    const b = await forkBomb('sandboxed', 8000);
    console.log(`fork bomb, sandboxed: ${JSON.stringify({ ...b, stderr: b.stderr.length })}`);
    expect(b.pidsMax).toBe(128);
    expect(b.peak).toBeGreaterThan(0);
    expect(b.peak).toBeLessThanOrEqual(b.pidsMax);
    if (b.endedAlone) {
      // the Sentry's own death, not the shell's: a shell that cannot fork says so before it exits 2
      expect(b.code, b.stderr).toBe(2);
      expect(b.stderr).not.toMatch(/can't fork/);
    }
    else expect({ code: b.code, forkFailed: /can't fork/.test(b.stderr) }).toEqual({ code: 137, forkFailed: true });
    expect(b.engineMs).toBeLessThan(5000);
    expect(b.hostMs).toBeLessThan(1000);
    expect(docker(['ps', '-aq', '--filter', `name=g-forkbomb-sandboxed-${process.pid}`])).toBe('');
  }, 30_000);

  // measured: the bomb fills the 64 pids and forks fail inside with EAGAIN; nproc 64 (the same
  // number, for uid 65534) may refuse before the cgroup does (pids.events then stays at 0)
  it('untrusted (runc): forks fail inside at pids.max, the container keeps running and is killed at once', async () => {
    const b = await forkBomb('untrusted', 3000);
    console.log(`fork bomb, untrusted: ${JSON.stringify({ ...b, stderr: b.stderr.split("can't fork").length - 1 })}`);
    expect(b.endedAlone).toBe(false);
    expect(b.pidsMax).toBe(64);
    expect(b.peak).toBeLessThanOrEqual(b.pidsMax);
    // nproc counts uid 65534's processes host-wide under runc: others' containers may take some
    expect(b.peak).toBeGreaterThan(b.pidsMax / 2);
    expect(b.stderr).toMatch(/can't fork: Resource temporarily unavailable/);
    expect(b.code).toBe(137);
    expect(b.killMs).toBeLessThan(10_000);
    expect(b.engineMs).toBeLessThan(5000);
    expect(b.hostMs).toBeLessThan(1000);
  }, 30_000);
});
