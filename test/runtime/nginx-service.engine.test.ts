import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runCli as runCliWithEnv } from '../helpers/cli.js';
import { docker, removeContainersLabelled } from '../helpers/engine.js';

/**
 * The demo: Debian's nginx as shipped, under the service policy. The image is built by
 * scripts/real-images (tagged by its content); found here with the docker CLI, and a missing one
 * fails the test rather than skipping it.
 */
const LABEL = 'bulkhead-test=untrusted-nginx';
const NAME = 'untrusted-nginx-demo';
let scratch: string;
let image: string;

function realNginx(): string {
  const tag = docker(['images', '--format', '{{.Repository}}:{{.Tag}}', 'bulkhead-test/real-nginx']).split('\n').find((t) => t && !t.endsWith(':<none>'));
  if (!tag) throw new Error('no bulkhead-test/real-nginx image: build it with scripts/real-images');
  return tag;
}

const runCli = (args: string[]) => runCliWithEnv(args, { env: { XDG_CACHE_HOME: join(scratch, 'cache') } });

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'bulkhead-nginx-'));
  image = realNginx();
});
afterAll(() => {
  removeContainersLabelled(LABEL);
  rmSync(scratch, { recursive: true, force: true });
});

describe('nginx from a Debian-built image under --policy service', () => {
  it('as shipped it stops on the read-only root, and bulkhead names the --tmpfs to add', async () => {
    const r = await runCli(['run', '--rm', '--label', LABEL, '--policy', 'service', image]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('mkdir() "/var/lib/nginx/body" failed (30: Read-only file system)');
    expect(r.stderr).toContain('--tmpfs /var/lib/nginx would give it writable (noexec) space there');
  }, 120_000);

  it('with --tmpfs /var/lib/nginx --tmpfs /var/log/nginx --tmpfs /run it serves its page on a published loopback port', async () => {
    const r = await runCli(['run', '-d', '--label', LABEL, '--name', NAME, '--policy', 'service', '-p', '127.0.0.1::80', '--tmpfs', '/var/lib/nginx', '--tmpfs', '/var/log/nginx', '--tmpfs', '/run', image]);
    expect(r.code, r.stderr).toBe(0);
    const port = docker(['port', NAME, '80/tcp']).split('\n')[0]?.split(':').pop();
    expect(port).toMatch(/^[0-9]+$/);
    let body = '';
    for (let i = 0; i < 40 && !body.includes('Welcome to nginx'); i++) {
      await new Promise((res) => setTimeout(res, 250));
      body = await fetch(`http://127.0.0.1:${port}/`).then((res) => res.text()).catch(() => '');
    }
    expect(body).toContain('Welcome to nginx!');
    // from inside: still the policy's non-root user on a read-only root, and the tmpfs are its own, noexec
    const inside = docker(['exec', NAME, 'sh', '-c', "id -u; stat -c '%u %g' /var/lib/nginx /var/log/nginx /run; grep -E ' /(run|var/lib/nginx|var/log/nginx) ' /proc/mounts; touch /usr/x 2>&1 || true"]);
    const lines = inside.split('\n');
    expect(lines[0]).toBe('65534');
    expect(lines.slice(1, 4)).toEqual(['65534 65534', '65534 65534', '65534 65534']);
    const mounts = lines.filter((l) => l.startsWith('tmpfs '));
    expect(mounts).toHaveLength(3);
    for (const m of mounts) expect(m).toMatch(/rw,nosuid,nodev,noexec,.*uid=65534,gid=65534/);
    expect(inside).toMatch(/Read-only file system/);
    // the port is bound to loopback only, as the policy says
    expect(docker(['port', NAME, '80/tcp'])).toMatch(/^127\.0\.0\.1:/);
  }, 180_000);
});
