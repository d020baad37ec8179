import { readFileSync, readdirSync } from 'node:fs';
import type { ContainerProcess, ContainerProcesses } from './facts.js';

/**
 * The processes of containers read from the host's /proc, when the engine runs on this host:
 * GET /containers/{id}/top makes the engine run `ps` over every process of the host for each
 * container (70-250 ms each on a loaded 2-core machine: 100 containers took 4.2 s where the rest
 * of the audit took 0.7 s), while one pass over /proc/N/cgroup serves every container.
 *
 * A process belongs to a container when one of its cgroup paths names the container's id, which
 * is how the engine's cgroupfs (/docker/ID) and systemd (docker-ID.scope) drivers place it, and
 * nested cgroups count, as they do for `docker top` (runc lists the cgroup tree). This is used
 * only for a container whose init pid (inspect State.Pid) is visible here with its id in its
 * cgroup: that proves this /proc is the engine's host and pid namespace (a remote engine, a
 * hidepid /proc or another pid namespace fail the proof, and the caller asks the engine). Only
 * for runc: under gVisor the cgroup holds the sandbox's own processes, not the workload's.
 */
export interface HostProcessTable {
  /** the processes of a container, or undefined when this host's /proc cannot show them */
  of(container: { id: string; pid: number; runtime: string | undefined }): ContainerProcesses | undefined;
}

const RUNC_RUNTIMES = new Set(['', 'runc', 'io.containerd.runc.v2', 'io.containerd.runtime.v1.linux']);
const CONTAINER_ID = /[0-9a-f]{64}/g;

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** uid -> name from the host's /etc/passwd, as ps prints USER; the number when there is none. */
function userNames(passwd: string | undefined): (uid: string) => string {
  const names = new Map<string, string>();
  for (const line of (passwd ?? '').split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && !names.has(uid)) names.set(uid, name);
  }
  return (uid) => names.get(uid) ?? uid;
}

function processOf(pid: number, proc: string, nameOf: (uid: string) => string): ContainerProcess | undefined {
  const comm = readText(`${proc}/${pid}/comm`);
  const status = readText(`${proc}/${pid}/status`);
  // gone since the cgroup was read
  if (comm === undefined || status === undefined) return undefined;
  // ps's USER is the effective uid: the second field of Uid:
  const euid = /^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1] ?? '?';
  return { pid, user: nameOf(euid), executable: comm.replace(/\n$/, '') };
}

/** Reads /proc once (lazily, on the first container asked for) and answers for every container. */
export function hostProcessTable(proc = '/proc', passwdPath = '/etc/passwd'): HostProcessTable {
  let byContainer: Map<string, number[]> | undefined;
  let nameOf: ((uid: string) => string) | undefined;
  const scan = (): Map<string, number[]> => {
    const map = new Map<string, number[]>();
    let entries: string[];
    try {
      entries = readdirSync(proc);
    } catch {
      return map;
    }
    for (const e of entries) {
      if (!/^\d+$/.test(e)) continue;
      const cgroup = readText(`${proc}/${e}/cgroup`);
      if (!cgroup) continue;
      for (const id of new Set(cgroup.match(CONTAINER_ID) ?? [])) {
        const pids = map.get(id);
        if (pids) pids.push(Number(e));
        else map.set(id, [Number(e)]);
      }
    }
    return map;
  };
  return {
    of: ({ id, pid, runtime }) => {
      if (!RUNC_RUNTIMES.has(runtime ?? '') || !/^[0-9a-f]{64}$/.test(id) || !(pid > 0)) return undefined;
      if (!readText(`${proc}/${pid}/cgroup`)?.includes(id)) return undefined;
      byContainer ??= scan();
      nameOf ??= userNames(readText(passwdPath));
      const pids = byContainer.get(id);
      // the init process proved the namespace but was not in the table: it started after the scan
      if (!pids?.includes(pid)) return undefined;
      const list = pids.map((p) => processOf(p, proc, nameOf!)).filter((p): p is ContainerProcess => p !== undefined);
      return { known: true, list };
    },
  };
}
