import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { learn, type LearnOptions } from '../../src/learn/learn.js';
import { loadPolicy } from '../../src/policy/load.js';
import { toSeccompProfile } from '../../src/profiles/seccomp.js';
import { buildDerivedImage, buildFixtureImage, TEST_IMAGE } from '../helpers/engine.js';
import { ensureRealImages } from '../helpers/real-images.js';

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

const WRITER = 'bulkhead-test/learn-writer:1';
const NGINX = 'bulkhead-test/learn-nginx:1';
const dir = mkdtempSync(join(tmpdir(), 'learn-engine-'));
let logLines: string[] = [];
const base = (o: Partial<LearnOptions> & Pick<LearnOptions, 'image' | 'output'>): LearnOptions => {
  logLines = [];
  return { command: [], untilExit: false, publish: [], force: false, cwd: dir, env: process.env, log: (l) => logLines.push(l), ...o };
};
/** What to show when a verify run fails: both outcomes, the warnings and learn's own log. */
const why = (r: { learnRun: unknown; verifyRun?: unknown; warnings: string[] }): string => JSON.stringify({ learnRun: r.learnRun, verifyRun: r.verifyRun, warnings: r.warnings, log: logLines });

run('bulkhead learn on a real engine', () => {
  beforeAll(() => {
    buildFixtureImage('busybox', TEST_IMAGE);
  });

  it('a Python web app: learned, verified under a read-only root with its probe, far fewer syscalls than untrusted', async () => {
    const image = localImage('bulkhead-test/real-python');
    expect(image, 'bulkhead-test/real-python (scripts/real-images python)').toBeDefined();
    const r = await learn(base({ image: image!, command: ['python3', '-m', 'http.server', '8000'], policy: 'service', publish: ['127.0.0.1:18931:8000'], durationS: 2, probe: 'curl -fs localhost:18931/ >/dev/null', output: 'py.policy.yaml' }));
    console.log(`python: syscalls learned ${r.syscalls.learned} / base service ${r.syscalls.base} / untrusted ${r.syscalls.untrusted} / Docker default ${r.syscalls.dockerDefault}; tmpfs [${r.tmpfs.join(', ')}]; ${(r.learnMs / 1000).toFixed(1)} s`);
    expect(r.reasons).toEqual([]);
    expect(r.learnRun.probeOk).toBe(true);
    expect(r.verified, why(r)).toBe(true);
    expect(r.verifyRun?.probeOk).toBe(true);
    expect(r.written).toBe(true);
    expect(r.syscalls.learned).toBeLessThan(r.syscalls.untrusted / 3);
    const loaded = await loadPolicy(join(dir, 'py.policy.yaml'));
    expect(loaded.plan.readOnlyRootFilesystem).toBe(true);
    const names = toSeccompProfile(loaded.plan).syscalls.filter((s) => s.action === 'SCMP_ACT_ALLOW').flatMap((s) => s.names);
    expect(names).toContain('accept4');
    expect(names).not.toContain('ptrace');
    expect(readFileSync(join(dir, 'py.policy.yaml'), 'utf8')).toMatch(/^extends: "service"$/m);
    // capability checks traced (cap_capable): uid 65534 under no-new-privileges holds none, so
    // service's NET_BIND_SERVICE is never used and not added; overlayfs's grants are not the task's
    expect(r.capabilities, why(r)).toBeDefined();
    expect(r.capabilities!.granted).toEqual([]);
    expect(r.capabilities!.add).toEqual([]);
    expect(loaded.plan.capabilities.add).toEqual([]);
  }, 60_000);

  it('a job that writes where the image lets its user write gets an owned tmpfs there and passes read-only', async () => {
    // the image's /var/lib/app belongs to uid 65534, the user the default policy runs it as
    buildDerivedImage(WRITER, 'RUN mkdir -p /var/lib/app && chown 65534:65534 /var/lib/app');
    const r = await learn(base({ image: WRITER, command: ['sh', '-c', 'mkdir -p /var/lib/app/state && echo 1 > /var/lib/app/state/n && echo $$ > /var/lib/app/app.pid'], untilExit: true, output: 'job.policy.yaml' }));
    console.log(`busybox job: syscalls learned ${r.syscalls.learned} / untrusted ${r.syscalls.untrusted} / Docker default ${r.syscalls.dockerDefault}; tmpfs [${r.tmpfs.join(', ')}]; ${(r.learnMs / 1000).toFixed(1)} s`);
    expect(r.learnRun.exitCode).toBe(0);
    expect(r.tmpfs).toEqual(['/var/lib/app']);
    expect(r.verified, why(r)).toBe(true);
    const loaded = await loadPolicy(join(dir, 'job.policy.yaml'));
    expect(loaded.plan.tmpfs.find((t) => t.path === '/var/lib/app')?.options).toEqual(['noexec', 'nosuid', 'nodev', 'uid=65534', 'gid=65534']);

    // the escape probe fails every step under the learned policy (through the CLI of this worktree's dist/)
    const probe = [
      'touch /probe 2>/dev/null && echo "write /: allowed" || echo "write /: refused"',
      'unshare -U true 2>/dev/null && echo "unshare: allowed" || echo "unshare: refused"',
      'mount -t tmpfs t /mnt 2>/dev/null && echo "mount: allowed" || echo "mount: refused"',
      'cp /bin/busybox /var/lib/app/bb 2>/dev/null && /var/lib/app/bb true 2>/dev/null && echo "exec tmpfs: allowed" || echo "exec tmpfs: refused"',
    ].join('; ');
    const cli = new URL('../../bin/bulkhead.js', import.meta.url).pathname;
    const out = spawnSync('node', [cli, 'run', '--rm', '--no-gate', '--policy', join(dir, 'job.policy.yaml'), WRITER, '--', 'sh', '-c', probe], { encoding: 'utf8' }).stdout;
    expect(out).toContain('write /: refused');
    expect(out).toContain('unshare: refused');
    expect(out).toContain('mount: refused');
    expect(out).toContain('exec tmpfs: refused');
    expect(out).not.toContain('allowed');
  }, 30_000);

  it('a Node.js app: learned and verified with its probe', async () => {
    const image = localImage('bulkhead-test/real-node');
    expect(image, 'bulkhead-test/real-node (scripts/real-images node)').toBeDefined();
    const r = await learn(base({ image: image!, command: ['node', '-e', 'require("http").createServer((q, s) => s.end("ok")).listen(8080)'], policy: 'service', publish: ['127.0.0.1:18933:8080'], durationS: 2, probe: 'curl -fs localhost:18933/ >/dev/null', output: 'node.policy.yaml' }));
    console.log(`node: syscalls learned ${r.syscalls.learned} / base service ${r.syscalls.base} / untrusted ${r.syscalls.untrusted} / Docker default ${r.syscalls.dockerDefault}; tmpfs [${r.tmpfs.join(', ')}]; ${(r.learnMs / 1000).toFixed(1)} s`);
    expect(r.verified, why(r)).toBe(true);
    expect(r.verifyRun?.probeOk).toBe(true);
    expect(r.syscalls.learned).toBeLessThan(r.syscalls.untrusted / 3);
  }, 40_000);

  it('nginx configured to run unprivileged: tmpfs for its state and log directories, verified with a probe', async () => {
    const nginx = localImage('bulkhead-test/real-nginx');
    expect(nginx, 'bulkhead-test/real-nginx (scripts/real-images nginx)').toBeDefined();
    // what nginx-unprivileged images do: its directories owned by the user it runs as, pid file in /tmp, port 8080
    const dockerfile = `FROM ${nginx!}\nRUN chown -R 65534:65534 /var/lib/nginx /var/log/nginx && sed -i 's/^user www-data;//; s#^pid /run/nginx.pid;#pid /tmp/nginx.pid;#' /etc/nginx/nginx.conf && sed -i 's/listen 80 default_server;/listen 8080 default_server;/; s/listen \\[::\\]:80 default_server;/listen [::]:8080 default_server;/' /etc/nginx/sites-enabled/default\n`;
    execFileSync('docker', ['build', '-q', '-t', NGINX, '-'], { input: dockerfile, stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, DOCKER_BUILDKIT: '0' } });
    const r = await learn(base({ image: NGINX, policy: 'service', publish: ['127.0.0.1:18934:8080'], durationS: 2, probe: 'curl -fs localhost:18934/ >/dev/null', output: 'nginx.policy.yaml' }));
    console.log(`nginx: syscalls learned ${r.syscalls.learned} / base service ${r.syscalls.base} / untrusted ${r.syscalls.untrusted} / Docker default ${r.syscalls.dockerDefault}; tmpfs [${r.tmpfs.join(', ')}]; ${(r.learnMs / 1000).toFixed(1)} s`);
    expect(r.tmpfs).toEqual(['/var/lib/nginx', '/var/log/nginx']);
    expect(r.verified, why(r)).toBe(true);
    expect(r.verifyRun?.probeOk).toBe(true);
    expect(readFileSync(join(dir, 'nginx.policy.yaml'), 'utf8')).toContain('# listened on tcp 8080');

    // the learned policy works with the rest: profile seccomp, run, and audit container (no drift)
    const cli = new URL('../../bin/bulkhead.js', import.meta.url).pathname;
    const policyFile = join(dir, 'nginx.policy.yaml');
    const profile = JSON.parse(execFileSync('node', [cli, 'profile', 'seccomp', '--policy', policyFile], { encoding: 'utf8' })) as { syscalls: Array<{ names: string[]; action: string }> };
    expect(new Set(profile.syscalls.filter((x) => x.action === 'SCMP_ACT_ALLOW').flatMap((x) => x.names)).size).toBe(r.syscalls.learned);
    const name = 'learn-nginx-drift';
    try {
      execFileSync('node', [cli, 'run', '-d', '--name', name, '--no-gate', '--policy', policyFile, '-p', '127.0.0.1:18935:8080', NGINX], { stdio: 'ignore' });
      execFileSync('sh', ['-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do curl -fs localhost:18935/ >/dev/null && exit 0; sleep 0.3; done; exit 1']);
      // the kernel's view of the container's nginx (a docker exec would run under the learned
      // seccomp allowlist, which has only nginx's calls): no capability added, none even bounded
      expect(r.capabilities?.add).toEqual([]);
      const pid = execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', name], { encoding: 'utf8' }).trim();
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^CapBnd:\t0000000000000000$/m);
      const audit = JSON.parse(spawnSync('node', [cli, 'audit', 'container', name, '--format', 'json'], { encoding: 'utf8' }).stdout) as { targets: Array<{ findings: Array<{ ruleId: string }>; evaluated?: string[] }> };
      const ids = audit.targets.flatMap((t) => t.findings.map((f) => f.ruleId));
      // the drift rules ran and found nothing; the image has no HEALTHCHECK (CT029) is reported
      expect(audit.targets[0]!.evaluated).toEqual(expect.arrayContaining(['CT027', 'CT028']));
      expect(ids.filter((id) => id === 'CT027' || id === 'CT028')).toEqual([]);
      expect(ids).toContain('CT029');
    } finally {
      spawnSync('docker', ['rm', '-f', name], { stdio: 'ignore' });
    }
  }, 40_000);

  it('a workload that mounts (needs SYS_ADMIN) is reported, not allowed', async () => {
    const r = await learn(base({ image: 'bulkhead-test/busybox:1', command: ['sh', '-c', 'mount -t tmpfs t /mnt'], untilExit: true, output: 'mnt.policy.yaml' }));
    expect(r.reasons.some((x) => x.startsWith('calls mount') && x.includes('SYS_ADMIN'))).toBe(true);
    expect(r.written).toBe(false);
  }, 30_000);

  afterAll(() => {
    execFileSync('docker', ['rmi', '-f', WRITER, NGINX], { stdio: 'ignore' });
  });
});

// redis in the same file as the others: vitest runs files in parallel, and two learn runs at once
// would mix their LOG records (attribution by elimination is off while another LOG filter runs)
const REDIS = 'bulkhead-test/learn-redis:1';
const PORT = 18936;
const redisDir = mkdtempSync(join(tmpdir(), 'learn-redis-'));

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
    writeFileSync(join(redisDir, 'probe.cjs'), PROBE);
  }, 60 * 60_000);

  it('redis-server under service: learned, verified read-only with SET/GET/SAVE, a tmpfs for its data directory', async () => {
    // Debian's redis.conf is root:redis 640 and daemonizes: the server is configured by flags.
    // No save points (SAVE in the probe is the only write, so each run writes the same), and
    // bound to every address without protected mode: the probe comes through the bridge, not loopback.
    const command = ['redis-server', '--bind', '0.0.0.0', '--protected-mode', 'no', '--daemonize', 'no', '--dir', '/var/lib/redis', '--save', ''];
    const o: LearnOptions = {
      image: REDIS, command, policy: 'service', publish: [`127.0.0.1:${PORT}:6379`], durationS: 2, untilExit: false,
      probe: `node ${join(redisDir, 'probe.cjs')} ${PORT}`, output: 'redis.policy.yaml', force: false, cwd: redisDir, env: process.env, log: (l) => logLines.push(l),
    };
    logLines = [];
    const r = await learn(o);
    console.log(`redis: syscalls learned ${r.syscalls.learned} / base service ${r.syscalls.base} / untrusted ${r.syscalls.untrusted} / Docker default ${r.syscalls.dockerDefault}; tmpfs [${r.tmpfs.join(', ')}]; ${(r.learnMs / 1000).toFixed(1)} s; learn run ${JSON.stringify(r.learnRun)}, verify run ${JSON.stringify(r.verifyRun)}; warnings ${JSON.stringify(r.warnings)}`);
    expect(r.reasons).toEqual([]);
    expect(r.learnRun.probeOk).toBe(true);
    expect(r.verified, why(r)).toBe(true);
    expect(r.verifyRun?.probeOk).toBe(true);
    expect(r.written).toBe(true);
    expect(r.syscalls.learned).toBeLessThan(r.syscalls.untrusted / 3);
    // SAVE wrote /var/lib/redis/dump.rdb: the directory (the image's, empty) becomes an owned tmpfs
    expect(r.tmpfs).toEqual(['/var/lib/redis']);

    const file = join(redisDir, 'redis.policy.yaml');
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
