/**
 * A second dockerd for tests that must change daemon flags: its own socket, data root, exec root
 * and pidfile under `root`, in its own network namespace (`--bridge none` in the host namespace
 * would delete docker0, the first engine's bridge) and, with `pluginDir`, its own mount namespace
 * where that directory is /run/docker/plugins, so a test plugin never shows in the host's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

export interface SecondDockerd {
  socket: string;
  host: string;
  process: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
}

export async function waitFor(check: () => boolean | Promise<boolean>, ms: number, what: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what()}`);
}

/**
 * `pluginDir`: that directory is /run/docker/plugins in dockerd's own mount namespace.
 * `setup`: shell lines run in the new namespaces before dockerd starts (e.g. a veth address).
 */
export async function startSecondDockerd(root: string, flags: string[] = [], options: { pluginDir?: string; setup?: string[] } = {}): Promise<SecondDockerd> {
  mkdirSync(root, { recursive: true });
  const socket = `${root}/docker.sock`;
  const dockerd = ['dockerd', '--host', `unix://${socket}`, '--data-root', `${root}/data`, '--exec-root', `${root}/exec`, '--pidfile', `${root}/docker.pid`, '--bridge', 'none', '--iptables=false', '--ip-masq=false', ...flags];
  const quoted = dockerd.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');
  const setup = [...(options.pluginDir ? ['mkdir -p /run/docker/plugins', `mount --bind '${options.pluginDir}' /run/docker/plugins`] : []), ...(options.setup ?? [])];
  const args = setup.length
    ? [...(options.pluginDir ? ['--net', '--mount'] : ['--net']), '--', 'sh', '-c', `set -e; ${setup.join('; ')}; exec ${quoted}`]
    : ['--net', '--', ...dockerd];
  const proc = spawn('unshare', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr?.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-8000)));
  const host = `unix://${socket}`;
  await waitFor(() => spawnSync('docker', ['-H', host, 'version', '--format', '{{.Server.Version}}'], { stdio: 'ignore' }).status === 0, 40_000, () => `second dockerd (exit ${proc.exitCode}; ${log.slice(-800)})`);
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    // without its own mount namespace dockerd can leave its data root mounted: unmount ours, deepest first
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(root))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    if (existsSync(root)) rmSync(root, { recursive: true, force: true });
  };
  return { socket, host, process: proc, log: () => log, stop };
}
