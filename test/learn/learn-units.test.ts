import { describe, expect, it } from 'vitest';
import { parseSeccompRecord, suppressedCount, syscallName } from '../../src/learn/audit-records.js';
import { attribute } from '../../src/learn/attribute.js';
import { parseAuditStatus } from '../../src/learn/audit-host.js';
import { RUNC_POST_FILTER_SYSCALLS, runcBaseSet } from '../../src/learn/data/runc-base.js';
import { SYSCALLS_X86_64 } from '../../src/learn/data/syscalls-x86_64.js';
import { learnedPolicy, memoryLimitFor } from '../../src/learn/policy-out.js';
import { tmpfsFromWrites, writeRoots } from '../../src/learn/writes.js';
import { loadPolicy } from '../../src/policy/load.js';

const auditdLine = 'type=SECCOMP msg=audit(1796353188.773:112): auid=4294967295 uid=65534 gid=65534 ses=4294967295 pid=26561 comm="runc:[2:INIT]" exe="/" sig=0 arch=c000003e syscall=257 compat=0 ip=0x40828e code=0x7ffc0000\x1dAUID="unset" UID="nobody"';
const kmsgLine = '[ 3376.926447] audit: type=1326 audit(1796353156.265:7): auid=4294967295 uid=65534 gid=65534 ses=4294967295 pid=25051 comm=6D7920617070 exe="/" sig=0 arch=c000003e syscall=39 compat=0 ip=0x60ef2b code=0x7ffc0000';

describe('seccomp audit records', () => {
  it('parses auditd and kernel-log lines, hex-encoded comm included', () => {
    expect(parseSeccompRecord(auditdLine)).toEqual({ pid: 26561, comm: 'runc:[2:INIT]', arch: 'c000003e', syscall: 257, code: '0x7ffc0000' });
    expect(parseSeccompRecord(kmsgLine)?.comm).toBe('my app');
    expect(parseSeccompRecord('type=SYSCALL msg=audit(1:2): arch=c000003e syscall=59')).toBeUndefined();
  });
  it('counts what the kernel log suppressed', () => {
    expect(suppressedCount('[ 1.0] kauditd_printk_skb: 12 callbacks suppressed')).toBe(12);
    expect(suppressedCount(kmsgLine)).toBe(0);
  });
  it('maps numbers to names per arch (more in syscall-tables.test.ts)', () => {
    expect(syscallName('c000003e', 257)).toBe('openat');
    expect(syscallName('c000003e', 0)).toBe('read');
    expect(syscallName('40000003', 5)).toBe('open');
    expect(syscallName('40000028', 5)).toBeUndefined();
  });
  it('the table is one name per number and holds the runc set', () => {
    const names = Object.values(SYSCALLS_X86_64);
    expect(new Set(names).size).toBe(names.length);
    for (const set of Object.values(RUNC_POST_FILTER_SYSCALLS)) for (const s of set) expect(names).toContain(s);
  });
  it('reads auditctl -s', () => {
    expect(parseAuditStatus('enabled 0\npid 26231\nbacklog_limit 64\nlost 3\n')).toEqual({ pid: 26231, lost: 3, backlogLimit: 64 });
  });
});

describe('attribution', () => {
  it('keeps LOG records of the container pids, counts the others, splits out runc', () => {
    const recs = [parseSeccompRecord(auditdLine)!, { pid: 7, comm: 'python3', arch: 'c000003e', syscall: 0, code: '0x7ffc0000' }, { pid: 8, comm: 'x', arch: 'c000003e', syscall: 1, code: '0x7ffc0000' }, { pid: 7, comm: 'python3', arch: 'c000003e', syscall: 1, code: '0x00050001' }];
    const o = attribute(recs, (pid) => pid !== 8);
    expect([...o.syscalls.keys()].sort()).toEqual(['openat', 'read']);
    expect([...o.runtime]).toEqual(['openat']);
    expect(o.unattributed).toBe(1);
  });
});

describe('runc base set', () => {
  it('is pinned to the version measured', () => {
    expect(runcBaseSet('1.1.5+ds1')?.syscalls).toContain('execve');
    expect(runcBaseSet('1.2.0')).toBeUndefined();
  });
});

describe('writes -> tmpfs', () => {
  const changes = [
    { Path: '/var', Kind: 0 as const }, { Path: '/var/cache', Kind: 0 as const }, { Path: '/var/cache/app', Kind: 1 as const }, { Path: '/var/cache/app/x', Kind: 1 as const },
    { Path: '/run', Kind: 0 as const }, { Path: '/run/app.pid', Kind: 1 as const }, { Path: '/etc/hosts', Kind: 0 as const }, { Path: '/etc', Kind: 0 as const },
  ];
  it('finds the tops of new subtrees and the directories of new files', () => {
    expect(writeRoots(changes)).toEqual([{ path: '/run/app.pid', added: true }, { path: '/var/cache/app', added: true }]);
  });
  it('mounts a new directory itself and the directory of a new file', () => {
    const t = tmpfsFromWrites([{ path: '/run/app.pid', added: true, isDir: false, bytes: 6 }, { path: '/var/cache/app', added: true, isDir: true, bytes: 100 }, { path: '/tmp/a', added: true, isDir: false, bytes: 1 }], ['/tmp']);
    expect(t.map((m) => [m.path, m.masksImage])).toEqual([['/run', true], ['/var/cache/app', false]]);
  });
});

describe('learned policy', () => {
  it('extends the base, keeps only allowed names, reports what the base forbids, and loads', async () => {
    const base = (await loadPolicy('untrusted')).policy;
    const out = learnedPolicy(base, 'untrusted', 'learned-x', { syscalls: new Set(['read', 'mount', 'shmget']), runtime: new Set(['execve']), tmpfs: [], memoryPeakBytes: 5 * 1024 * 1024, pidsPeak: 2, ports: [] }, ['test']);
    expect(out.syscalls).toEqual(['execve', 'exit', 'exit_group', 'read', 'restart_syscall', 'rt_sigreturn']);
    expect(out.reasons).toEqual([
      'calls mount, which untrusted forbids outright (it also needs CAP_SYS_ADMIN, which no policy may grant)',
      'calls shmget (group sysv-ipc), which untrusted does not allow and does not let a child add',
    ]);
    expect(out.yaml).toContain(`memory: ${memoryLimitFor(5 * 1024 * 1024) / 1048576}m  # peak 5.0 MiB observed`);
  });
  it('always keeps signal return and exit, seen or not, and says why (a denied rt_sigreturn is a SIGSEGV)', async () => {
    const base = (await loadPolicy('service')).policy;
    const out = learnedPolicy(base, 'service', 'l', { syscalls: new Set(['read', 'exit']), runtime: new Set(), tmpfs: [], ports: [] }, []);
    expect(out.syscalls).toEqual(['exit', 'exit_group', 'read', 'restart_syscall', 'rt_sigreturn']);
    expect(out.yaml).toContain('- exit  # observed\n');
    expect(out.yaml).toContain('- rt_sigreturn  # always kept: denied, it crashes or hangs the process instead of failing');
    expect(out.yaml).not.toContain('- read  # observed; always');
  });
  it('keeps rt_sigreturn for runc 1.1.5: its Go init can take a signal after the filter loads', async () => {
    const { runcBaseSet } = await import('../../src/learn/data/runc-base.js');
    expect(runcBaseSet('1.1.5+ds1')?.syscalls).toContain('rt_sigreturn');
  });
  it('a syscalls list naming what the parent does not allow is a loosening', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'learn-'));
    writeFileSync(join(dir, 'ok.yaml'), 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata: { name: ok }\nextends: untrusted\nsecurityContext: { seccompProfile: { syscalls: [read, write] } }\n');
    writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: bulkhead/v1\nkind: Policy\nmetadata: { name: bad }\nextends: untrusted\nsecurityContext: { seccompProfile: { syscalls: [read, shmget] } }\n');
    expect((await loadPolicy(join(dir, 'ok.yaml'))).plan.seccomp.syscalls).toEqual(['read', 'write']);
    await expect(loadPolicy(join(dir, 'bad.yaml'))).rejects.toThrow(/seccompProfile.syscalls: loosens/);
  });
});

describe("Docker's default profile data", () => {
  it('has unique names, and bulkhead groups allow nothing Docker denies without a capability', async () => {
    const { DOCKER_DEFAULT_ALLOWED } = await import('../../src/learn/data/docker-default.js');
    const { groupSyscalls } = await import('../../src/profiles/data/syscall-groups.js');
    expect(new Set(DOCKER_DEFAULT_ALLOWED).size).toBe(DOCKER_DEFAULT_ALLOWED.length);
    const docker = new Set(DOCKER_DEFAULT_ALLOWED);
    // beyond it bulkhead allows only the arm-only names Docker lists in an arch rule, and syscalls newer than the stored profile
    const all = groupSyscalls(['sysv-ipc', 'posix-mq', 'aio', 'memfd', 'mlock', 'xattr-write', 'sched-admin']);
    expect(all.filter((s) => !docker.has(s))).toEqual(['arm_fadvise64_64', 'arm_sync_file_range', 'breakpoint', 'cacheflush', 'fchmodat2', 'futex_requeue', 'futex_wait', 'futex_wake', 'map_shadow_stack', 'set_tls', 'sync_file_range2']);
  });
});

describe('merging runs', () => {
  it('keeps the syscalls, tmpfs and limits of a previous learned policy', async () => {
    const base = (await loadPolicy('default')).policy;
    const prev = structuredClone(base);
    prev.securityContext.seccompProfile.syscalls = ['read', 'shmget'];
    prev.tmpfs = [...base.tmpfs, { path: '/var/lib/app', size: '2m', noexec: true, uid: 65534, gid: 65534 }];
    prev.resources.limits.memory = '64m';
    const out = learnedPolicy(base, 'default', 'm', { syscalls: new Set(['write']), runtime: new Set(), tmpfs: [], memoryPeakBytes: 1024 * 1024, pidsPeak: 1, ports: [], previous: { file: 'run1.yaml', policy: prev } }, []);
    expect(out.syscalls).toEqual(['exit', 'exit_group', 'read', 'restart_syscall', 'rt_sigreturn', 'shmget', 'write']);
    expect(out.yaml).toContain('- shmget  # in run1.yaml');
    expect(out.yaml).toContain('- {path: "/var/lib/app", size: "2m", noexec: true, uid: 65534, gid: 65534}  # in run1.yaml');
    expect(out.yaml).toContain('memory: 64m  # peak 1.0 MiB observed, x2 headroom; at least 64m as in run1.yaml');
  });
});

describe('exit text', () => {
  it.each([
    [0, 'exited 0'],
    [1, 'exited 1'],
    [139, 'exited 139 (SIGSEGV)'],
    [159, 'exited 159 (SIGSYS: a seccomp kill)'],
    [137, 'exited 137 (SIGKILL)'],
    [undefined, 'exited ?'],
  ])('%s -> %s', async (code, text) => {
    const { exitText } = await import('../../src/cli/commands/learn.js');
    expect(exitText(code)).toBe(text);
  });
});

describe('bulkhead learn usage (dist CLI)', () => {
  it('refuses contradictory or malformed flags with exit 2 and one line', async () => {
    const { spawnSync } = await import('node:child_process');
    const cli = new URL('../../bin/bulkhead.js', import.meta.url).pathname;
    const both = spawnSync('node', [cli, 'learn', '--duration', '1', '--until-exit', '-o', 'x.yaml', 'img'], { encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr.trim()).toBe('bulkhead: learn: --duration and --until-exit exclude each other');
    const bad = spawnSync('node', [cli, 'learn', '--duration', 'soon', '-o', 'x.yaml', 'img'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--duration soon: a number of seconds from 1 to 600');
    const noOut = spawnSync('node', [cli, 'learn', 'img'], { encoding: 'utf8' });
    expect(noOut.status).toBe(2);
    expect(spawnSync('node', [cli, 'learn', '--help'], { encoding: 'utf8' }).stdout).toContain('5  the workload needs something the base policy forbids');
  });
});
