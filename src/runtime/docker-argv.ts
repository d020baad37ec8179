import type { ContainerCreateOptions } from '../engine/client.js';
import { formatCpus, formatSize } from './units.js';

/**
 * The `docker run` argv equivalent to a create body, for --dry-run and the overhead bench.
 * The seccomp profile goes by file (`seccompFile`), since the CLI takes no inline JSON, and
 * env values are left out (`-e KEY` reads them from the caller's environment) so no secret is printed.
 */
export function toDockerRunArgv(options: ContainerCreateOptions, extra: { seccompFile?: string; cidfile?: string } = {}): string[] {
  const h = options.HostConfig ?? {};
  const argv = ['run'];
  if (!options.AttachStdout) argv.push('--detach');
  if (h.AutoRemove) argv.push('--rm');
  if (options.OpenStdin) argv.push('--interactive');
  if (options.Tty) argv.push('--tty');
  if (options.name) argv.push('--name', options.name);
  if (options.User) argv.push('--user', options.User);
  if (options.platform) argv.push('--platform', options.platform);
  if (extra.cidfile) argv.push('--cidfile', extra.cidfile);
  if (options.Hostname) argv.push('--hostname', options.Hostname);
  if (options.WorkingDir) argv.push('--workdir', options.WorkingDir);
  if (options.Entrypoint !== undefined) argv.push('--entrypoint', (Array.isArray(options.Entrypoint) ? options.Entrypoint : [options.Entrypoint]).join(' '));
  if (h.Init) argv.push('--init');
  if (h.Runtime) argv.push('--runtime', h.Runtime);
  if (options.StopTimeout !== undefined) argv.push('--stop-timeout', String(options.StopTimeout));
  const hc = options.Healthcheck;
  if (hc?.Test?.[0] === 'CMD-SHELL' && hc.Test[1] !== undefined) {
    argv.push('--health-cmd', hc.Test[1]);
    if (hc.Interval) argv.push('--health-interval', hc.Interval % 1e9 === 0 ? `${hc.Interval / 1e9}s` : `${hc.Interval / 1e6}ms`);
  }
  for (const c of h.CapDrop ?? []) argv.push('--cap-drop', c);
  for (const c of h.CapAdd ?? []) argv.push('--cap-add', c);
  if (h.ReadonlyRootfs) argv.push('--read-only');
  for (const [path, opts] of Object.entries(h.Tmpfs ?? {})) argv.push('--tmpfs', `${path}:${opts}`);
  if (h.Memory) argv.push('--memory', formatSize(h.Memory));
  if (h.MemorySwap) argv.push('--memory-swap', formatSize(h.MemorySwap));
  if (h.NanoCpus) argv.push('--cpus', formatCpus(h.NanoCpus));
  if (h.PidsLimit) argv.push('--pids-limit', String(h.PidsLimit));
  for (const u of h.Ulimits ?? []) argv.push('--ulimit', `${u.Name}=${u.Soft}:${u.Hard}`);
  for (const opt of h.SecurityOpt ?? []) {
    if (opt.startsWith('seccomp=')) {
      if (extra.seccompFile) argv.push('--security-opt', `seccomp=${extra.seccompFile}`);
    } else {
      argv.push('--security-opt', opt);
    }
  }
  const r = h.RestartPolicy;
  if (r?.Name && r.Name !== 'no') argv.push('--restart', r.MaximumRetryCount ? `${r.Name}:${r.MaximumRetryCount}` : r.Name);
  if (h.NetworkMode) argv.push('--network', h.NetworkMode);
  if (h.PidMode && h.PidMode !== 'private') argv.push('--pid', h.PidMode);
  if (h.IpcMode) argv.push('--ipc', h.IpcMode);
  if (h.UTSMode) argv.push('--uts', h.UTSMode);
  for (const m of h.Mounts ?? []) {
    argv.push('--mount', `type=${m.Type},source=${m.Source},target=${m.Target}${m.ReadOnly ? ',readonly' : ''}`);
  }
  for (const [port, list] of Object.entries(h.PortBindings ?? {}) as Array<[string, Array<{ HostIp?: string; HostPort?: string }>]>) {
    for (const b of list) {
      const ip = b.HostIp ? (b.HostIp.includes(':') ? `[${b.HostIp}]:` : `${b.HostIp}:`) : '';
      argv.push('--publish', `${ip}${b.HostPort ?? ''}:${port}`);
    }
  }
  for (const e of options.Env ?? []) argv.push('--env', e.split('=')[0] ?? e);
  for (const [k, v] of Object.entries(options.Labels ?? {})) argv.push('--label', `${k}=${v}`);
  argv.push(options.Image ?? '');
  if (options.Cmd) argv.push(...(Array.isArray(options.Cmd) ? options.Cmd : [options.Cmd]));
  return argv;
}

/** Quotes an argv for a POSIX shell, only where needed. */
export function shellQuote(argv: string[]): string {
  return argv.map((a) => (a !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
