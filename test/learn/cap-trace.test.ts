import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attributeCapabilities, emptyCapabilityUse, parseTraceLine } from '../../src/learn/cap-trace.js';
import { CAPABILITY_NAMES, capabilityName } from '../../src/learn/data/capabilities.js';
import { learnedPolicy } from '../../src/learn/policy-out.js';
import { loadPolicy } from '../../src/policy/load.js';

// lines as this host's tracefs prints them (kernel 6.18, trace_pipe of an instance)
const check = (pid: number, cap: number, ret: number, comm = 'python3'): string => `         ${comm}-${pid}   [001] .....  4253.852095: cap_capable: cred 00000000545b5673, target_ns 00000000aa938ffb, capable_ns 00000000aa938ffb, cap ${cap}, ret ${ret}`;
const exec = (pid: number): string => `         python3-${pid}   [000] .....  4254.196892: sched_process_exec: filename=/usr/bin/python3 pid=${pid} old_pid=${pid}`;

describe('cap_capable trace lines', () => {
  it.each([
    [check(24370, 21, 0), { kind: 'check', comm: 'python3', pid: 24370, cap: 21, granted: true }],
    [check(7, 10, -1, 'runc:[2:INIT]'), { kind: 'check', comm: 'runc:[2:INIT]', pid: 7, cap: 10, granted: false }],
    [check(9, 0, -1, 'my-app-worker'), { kind: 'check', comm: 'my-app-worker', pid: 9, cap: 0, granted: false }],
    [exec(24370), { kind: 'exec', pid: 24370 }],
    ['# tracer: nop', undefined],
    ['         bash-15684   [000] .....  3452.338294: sched_switch: prev_comm=bash', undefined],
    ['', undefined],
  ])('%s', (line, want) => {
    expect(parseTraceLine(line)).toEqual(want);
  });
});

describe('attributing capability checks', () => {
  const ours = (pid: number): boolean => pid === 100 || pid === 101;
  it('counts nothing before the init task execs the workload (runc sets up as root), then only the container\'s tasks', () => {
    const use = emptyCapabilityUse();
    const lines = [check(100, 21, 0, 'python3'), check(100, 7, 0), exec(100), check(100, 21, -1), check(101, 0, -1), check(555, 10, 0, 'dockerd')];
    const started = attributeCapabilities(lines.map(parseTraceLine).filter((e) => e !== undefined), 100, false, ours, use);
    expect(started).toBe(true);
    expect([...use.granted]).toEqual([]);
    expect([...use.refused]).toEqual([['SYS_ADMIN', 1], ['CHOWN', 1]]);
  });
  it('carries the exec across reads, and counts a grant only where the task\'s effective set has it', () => {
    const use = emptyCapabilityUse();
    let started = attributeCapabilities([parseTraceLine(exec(100))!], 100, false, ours, use);
    // CapEff 0x400: NET_BIND_SERVICE only; the SYS_ADMIN grant is overlayfs on its mounter's credentials
    started = attributeCapabilities([check(100, 10, 0), check(100, 21, 0), check(101, 10, 0)].map((l) => parseTraceLine(l)!), 100, started, ours, use, (pid) => (pid === 100 ? 0x400n : undefined));
    expect(started).toBe(true);
    expect([...use.granted]).toEqual([['NET_BIND_SERVICE', 2]]);
    expect(use.borrowed).toBe(1);
  });
  it('an exec of another pid does not start it', () => {
    const use = emptyCapabilityUse();
    expect(attributeCapabilities([exec(5), check(100, 0, 0)].map((l) => parseTraceLine(l)!), 100, false, ours, use)).toBe(false);
    expect(use.granted.size).toBe(0);
  });
});

describe('capability numbers', () => {
  it('match linux/capability.h where the header is installed', () => {
    expect(capabilityName(10)).toBe('NET_BIND_SERVICE');
    expect(capabilityName(99)).toBe('cap 99');
    const header = '/usr/include/linux/capability.h';
    if (!existsSync(header)) return;
    const defined = [...readFileSync(header, 'utf8').matchAll(/^#define CAP_([A-Z_]+)\s+(\d+)\s*$/gm)].map((m) => [m[1], Number(m[2])] as const).filter(([n]) => n !== 'LAST_CAP');
    expect(defined.length).toBeGreaterThan(35);
    for (const [name, n] of defined) expect(CAPABILITY_NAMES[n], `CAP_${name}`).toBe(name);
  });
});

describe('learned capabilities', () => {
  it('narrows the base\'s add to what was granted, lists refusals, and the result loads', async () => {
    const base = (await loadPolicy('service')).policy;
    const obs = { syscalls: new Set(['read']), runtime: new Set<string>(), tmpfs: [], ports: [] };
    const none = learnedPolicy(base, 'service', 'l', { ...obs, capabilities: { granted: new Map(), refused: new Map([['SYS_ADMIN', 42]]), borrowed: 206 } }, []);
    expect(none.capabilitiesAdd).toEqual([]);
    expect(none.yaml).toContain('  capabilities:\n    # service adds [NET_BIND_SERVICE]; granted while watched: none (and 206 grants');
    expect(none.yaml).toContain('never used, so not added: NET_BIND_SERVICE');
    expect(none.yaml).toContain('refused while watched (not added; some checks are the kernel asking quietly): SYS_ADMIN x42');
    expect(none.yaml).toContain('    add: []\n');
    const used = learnedPolicy(base, 'service', 'l', { ...obs, capabilities: { granted: new Map([['NET_BIND_SERVICE', 3]]), refused: new Map(), borrowed: 0 } }, []);
    expect(used.capabilitiesAdd).toEqual(['NET_BIND_SERVICE']);
    expect(used.yaml).toContain('    add: [NET_BIND_SERVICE]\n');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'learn-caps-'));
    writeFileSync(join(dir, 'p.yaml'), none.yaml);
    expect((await loadPolicy(join(dir, 'p.yaml'))).plan.capabilities.add).toEqual([]);
  });
  it('without an observation the base\'s capabilities stay as they are (no capabilities block)', async () => {
    const base = (await loadPolicy('service')).policy;
    const out = learnedPolicy(base, 'service', 'l', { syscalls: new Set(['read']), runtime: new Set(), tmpfs: [], ports: [] }, []);
    expect(out.capabilitiesAdd).toBeUndefined();
    expect(out.yaml).not.toContain('capabilities:');
  });
});
