import { describe, expect, it } from 'vitest';
import { PROCESSES_NOT_LISTED, containerFactsFromInspect, processesFromTop } from '../../../src/audit/container/normalize.js';
import type { ContainerInspect } from '../../../src/engine/client.js';

const engine = { seccomp: true, apparmor: false, selinux: false, userns: false, rootless: false, cgroupVersion: '2' };

describe('the processes fact', () => {
  it('reads top rows by title; an executable name with a blank stays whole (it is the last column)', () => {
    expect(processesFromTop({ Titles: ['PID', 'USER', 'COMMAND'], Processes: [['4242', 'root', 'sshd'], ['4250', '1000', 'my', 'worker']] })).toEqual({
      known: true,
      list: [
        { pid: 4242, user: 'root', executable: 'sshd' },
        { pid: 4250, user: '1000', executable: 'my worker' },
      ],
    });
  });

  it('columns that are not the ones asked for: unknown, not a guess', () => {
    const r = processesFromTop({ Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'], Processes: [['root', '1', '0', '0', '00:00', '?', '00:00:00', 'sshd -D']] });
    expect(r).toEqual({ known: false, reason: 'unexpected ps columns from the engine (UID, PID, PPID, C, STIME, TTY, TIME, CMD)' });
  });

  it('inspect alone lists no processes: unknown until the audit asks top; a stopped container says why', () => {
    const inspect = (running: boolean) => ({ Id: 'x', Name: '/x', Image: 'i', State: { Running: running }, HostConfig: {}, Config: {}, Mounts: [] }) as unknown as ContainerInspect;
    expect(containerFactsFromInspect(inspect(true), engine).processes).toEqual(PROCESSES_NOT_LISTED);
    expect(containerFactsFromInspect(inspect(false), engine).processes).toEqual({ known: false, reason: 'the container is not running' });
  });
});
