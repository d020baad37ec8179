import { existsSync, readFileSync } from 'node:fs';
import type { EngineConfinement } from '../audit/container/facts.js';

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * What the host's kernel can enforce, read once when `serve` starts: the plugin may not ask
 * dockerd (GET /info) while dockerd waits on it. Seccomp and AppArmor as the kernel reports them
 * (moby checks the same files); user-namespace remapping and rootless mode are daemon settings
 * the kernel cannot show, so they count as off: root is judged as host root, the stricter reading.
 */
export function hostConfinement(root = '/'): EngineConfinement {
  const at = (p: string) => `${root.replace(/\/$/, '')}${p}`;
  return {
    seccomp: /^Seccomp:/m.test(read(at('/proc/self/status')) ?? ''),
    apparmor: read(at('/sys/module/apparmor/parameters/enabled'))?.trim() === 'Y',
    selinux: existsSync(at('/sys/fs/selinux/enforce')) && read(at('/sys/fs/selinux/enforce'))?.trim() === '1',
    userns: false,
    rootless: false,
    cgroupVersion: existsSync(at('/sys/fs/cgroup/cgroup.controllers')) ? '2' : '1',
  };
}
