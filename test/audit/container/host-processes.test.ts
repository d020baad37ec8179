import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostProcessTable } from '../../../src/audit/container/host-processes.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

/** A /proc with the files the table reads: cgroup, comm, status (Uid: real effective saved fs). */
function fakeProc(procs: Array<{ pid: number; cgroup: string; comm: string; euid: number }>): { proc: string; passwd: string } {
  const root = mkdtempSync(join(tmpdir(), 'bh-proc-'));
  const proc = join(root, 'proc');
  for (const p of procs) {
    mkdirSync(join(proc, String(p.pid)), { recursive: true });
    writeFileSync(join(proc, String(p.pid), 'cgroup'), p.cgroup);
    writeFileSync(join(proc, String(p.pid), 'comm'), `${p.comm}\n`);
    writeFileSync(join(proc, String(p.pid), 'status'), `Name:\t${p.comm}\nUid:\t1000\t${p.euid}\t${p.euid}\t${p.euid}\n`);
  }
  mkdirSync(join(proc, 'self'), { recursive: true });
  const passwd = join(root, 'passwd');
  writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/sh\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\n');
  return { proc, passwd };
}

const v1 = (id: string) => `12:pids:/docker/${id}\n4:memory:/docker/${id}\n0::/docker/${id}\n`;
const systemd = (id: string) => `0::/system.slice/docker-${id}.scope\n`;

const { proc, passwd } = fakeProc([
  { pid: 100, cgroup: v1(A), comm: 'sh', euid: 0 },
  { pid: 101, cgroup: v1(A), comm: 'sshd', euid: 0 },
  // a nested cgroup inside the container (systemd or docker in it): still the container's, as for docker top
  { pid: 102, cgroup: `0::/docker/${A}/inner/${C}\n`, comm: 'nginx', euid: 33 },
  { pid: 200, cgroup: systemd(B), comm: 'python3', euid: 65534 },
  // the host's own sshd: in no container's cgroup (what a --pid host container sees, and must not report)
  { pid: 1, cgroup: '0::/init.scope\n', comm: 'sshd', euid: 0 },
]);
const table = hostProcessTable(proc, passwd);

describe('processes of containers from the host /proc', () => {
  it('a process belongs to the container whose id its cgroup path names (cgroupfs, systemd and nested cgroups)', () => {
    expect(table.of({ id: A, pid: 100, runtime: 'runc' })).toEqual({
      known: true,
      list: [
        { pid: 100, user: 'root', executable: 'sh' },
        { pid: 101, user: 'root', executable: 'sshd' },
        { pid: 102, user: 'www-data', executable: 'nginx' },
      ],
    });
    // no name in the host's passwd: the uid, as ps prints it
    expect(table.of({ id: B, pid: 200, runtime: undefined })).toEqual({ known: true, list: [{ pid: 200, user: '65534', executable: 'python3' }] });
  });

  it("never counts the host's processes, whatever their name", () => {
    const all = [table.of({ id: A, pid: 100, runtime: 'runc' }), table.of({ id: B, pid: 200, runtime: 'runc' })];
    expect(all.flatMap((p) => (p?.known ? p.list.map((x) => x.pid) : []))).not.toContain(1);
  });

  it('answers nothing (the caller asks the engine) when /proc is not the engine host, or the runtime is not runc', () => {
    // the init pid is not in this /proc, or belongs to another cgroup: a remote engine or another pid namespace
    expect(table.of({ id: A, pid: 999, runtime: 'runc' })).toBeUndefined();
    expect(table.of({ id: A, pid: 200, runtime: 'runc' })).toBeUndefined();
    // gVisor: the cgroup holds the sandbox, not the workload
    expect(table.of({ id: A, pid: 100, runtime: 'runsc' })).toBeUndefined();
    expect(table.of({ id: 'abc', pid: 100, runtime: 'runc' })).toBeUndefined();
    expect(table.of({ id: A, pid: 0, runtime: 'runc' })).toBeUndefined();
    expect(hostProcessTable('/nonexistent-proc', passwd).of({ id: A, pid: 100, runtime: 'runc' })).toBeUndefined();
  });
});
