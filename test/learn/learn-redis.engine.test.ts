/**
 * `bulkhead learn` on redis (Debian's redis-server 7.0, bulkhead-test/real-redis from
 * scripts/real-images), watched with a probe that takes a real request path over TCP from the
 * host: SET, GET and SAVE (the RDB write: a temp file, fsync, rename into redis's data dir).
 * Run under `flock /tmp/learn.lock`: learn runs must not overlap (their LOG records would mix).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learn, type LearnOptions } from '../../src/learn/learn.js';
import { loadPolicy } from '../../src/policy/load.js';
import { toSeccompProfile } from '../../src/profiles/seccomp.js';
import { ensureRealImages } from '../helpers/real-images.js';

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

const REDIS = 'bulkhead-test/learn-redis:1';
const PORT = 18936;
const dir = mkdtempSync(join(tmpdir(), 'learn-redis-'));

// RESP over a plain socket (no redis-cli on the host): exits 0 only on the exact three replies
const PROBE = `const want = '+OK\\r\\n$5\\r\\nhello\\r\\n+OK\\r\\n';
const s = require('net').connect(Number(process.argv[2]), '127.0.0.1');
let got = '';
s.setTimeout(3000, () => process.exit(2));
s.on('error', () => process.exit(1));
s.on('data', (d) => { got += d; if (got.length >= want.length) { s.end(); process.exit(got === want ? 0 : 3); } });
s.write('*3\\r\\n$3\\r\\nSET\\r\\n$1\\r\\nk\\r\\n$5\\r\\nhello\\r\\n*2\\r\\n$3\\r\\nGET\\r\\n$1\\r\\nk\\r\\n*1\\r\\n$4\\r\\nSAVE\\r\\n');
`;

run('bulkhead learn on redis', () => {
  beforeAll(() => {
    const { redis } = ensureRealImages(['redis']);
    // as Debian runs it, made unprivileged the way the nginx test is: the data directory owned by
    // the user every built-in policy runs as (Debian's is uid 100 "redis", mode 750)
    execFileSync('docker', ['build', '-q', '-t', REDIS, '-'], { input: `FROM ${redis}\nRUN chown 65534:65534 /var/lib/redis\n`, stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    writeFileSync(join(dir, 'probe.cjs'), PROBE);
  }, 60 * 60_000);

  it('redis-server under service: learned, verified read-only with SET/GET/SAVE, a tmpfs for its data directory', async () => {
    // Debian's redis.conf is root:redis 640 and daemonizes: the server is configured by flags.
    // No save points (SAVE in the probe is the only write, so each run writes the same), and
    // bound to every address without protected mode: the probe comes through the bridge, not loopback.
    const command = ['redis-server', '--bind', '0.0.0.0', '--protected-mode', 'no', '--daemonize', 'no', '--dir', '/var/lib/redis', '--save', ''];
    const o: LearnOptions = {
      image: REDIS, command, policy: 'service', publish: [`127.0.0.1:${PORT}:6379`], durationS: 2, untilExit: false,
      probe: `node ${join(dir, 'probe.cjs')} ${PORT}`, output: 'redis.policy.yaml', force: false, cwd: dir, env: process.env, log: () => undefined,
    };
    const r = await learn(o);
    console.log(`redis: syscalls learned ${r.syscalls.learned} / base service ${r.syscalls.base} / untrusted ${r.syscalls.untrusted} / Docker default ${r.syscalls.dockerDefault}; tmpfs [${r.tmpfs.join(', ')}]; ${(r.learnMs / 1000).toFixed(1)} s; learn run ${JSON.stringify(r.learnRun)}, verify run ${JSON.stringify(r.verifyRun)}; warnings ${JSON.stringify(r.warnings)}`);
    expect(r.reasons).toEqual([]);
    expect(r.learnRun.probeOk).toBe(true);
    expect(r.verified).toBe(true);
    expect(r.verifyRun?.probeOk).toBe(true);
    expect(r.written).toBe(true);
    expect(r.syscalls.learned).toBeLessThan(r.syscalls.untrusted / 3);
    // SAVE wrote /var/lib/redis/dump.rdb: the directory (the image's, empty) becomes an owned tmpfs
    expect(r.tmpfs).toEqual(['/var/lib/redis']);

    const file = join(dir, 'redis.policy.yaml');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^extends: "service"$/m);
    expect(text).toContain('# listened on tcp 6379');
    const loaded = await loadPolicy(file);
    expect(loaded.plan.readOnlyRootFilesystem).toBe(true);
    expect(loaded.plan.tmpfs.find((t) => t.path === '/var/lib/redis')?.options).toEqual(['noexec', 'nosuid', 'nodev', 'uid=65534', 'gid=65534']);
    const names = toSeccompProfile(loaded.plan).syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW').flatMap((s) => s.names);
    // the server's accept path, and the RDB write's rename and fsync, are in; what it never did is not
    expect(names).toEqual(expect.arrayContaining(['accept4', 'epoll_wait', 'rename', 'fsync']));
    expect(names).not.toContain('ptrace');
    expect(names).not.toContain('shmget');
  }, 90_000);

  afterAll(() => {
    execFileSync('docker', ['rmi', '-f', REDIS], { stdio: 'ignore' });
  });
});
