import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { capabilityName } from './data/capabilities.js';

const run = promisify(execFile);

/** One line of the capability:cap_capable tracepoint: a task asked the kernel for a capability. */
export interface CapabilityCheck {
  comm: string;
  /** host tid of the asking task */
  pid: number;
  cap: number;
  /** ret 0: the task held it; otherwise (-EPERM) refused */
  granted: boolean;
}

// `   nginx-4242    [001] .....  3452.338294: cap_capable: cred ..., cap 21, ret 0`
const LINE = /^\s*(.+?)-(\d+)\s+\[\d+\]\s.*?\bcap_capable: .*\bcap (\d+), ret (-?\d+)\s*$/;

// `  python3-23449   [000] .....  3452.3: sched_process_exec: filename=/usr/bin/python3 pid=23449 old_pid=23449`
const EXEC = /\bsched_process_exec: filename=.* pid=(\d+) old_pid=\d+\s*$/;

/** A traced line: a capability check, or an exec (which marks where the runtime's setup ends). */
export type TraceEvent = ({ kind: 'check' } & CapabilityCheck) | { kind: 'exec'; pid: number };

export function parseTraceLine(line: string): TraceEvent | undefined {
  const e = EXEC.exec(line);
  if (e) return { kind: 'exec', pid: Number(e[1]) };
  const m = LINE.exec(line);
  if (!m) return undefined;
  return { kind: 'check', comm: m[1]!, pid: Number(m[2]), cap: Number(m[3]), granted: m[4] === '0' };
}

/** What the container's processes asked for while watched, by capability name -> checks. */
export interface CapabilityUse {
  granted: Map<string, number>;
  refused: Map<string, number>;
  /** grants made with credentials that are not the task's own (not counted as use) */
  borrowed: number;
}

export const emptyCapabilityUse = (): CapabilityUse => ({ granted: new Map(), refused: new Map(), borrowed: 0 });

/** A task's effective capability set (/proc/PID/status CapEff), or undefined when it is gone. */
export function effectiveCapabilities(pid: number): bigint | undefined {
  try {
    const hex = /^CapEff:\s*([0-9a-f]+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return hex === undefined ? undefined : BigInt(`0x${hex}`);
  } catch {
    return undefined;
  }
}

/**
 * Adds the checks of the container's tasks to `into`, in trace order. The tracepoint is host-wide,
 * so only tasks positively known to be the container's count (no attribution by elimination).
 * runc's init sets the container up as root with every capability before it drops them and execs
 * the workload, and the trace names a task by its latest comm, so runc's checks would read as the
 * workload's: nothing counts before the container's init task execs (`initPid`). Returns whether
 * that exec has been seen, to carry into the next call.
 */
export function attributeCapabilities(events: Iterable<TraceEvent>, initPid: number, started: boolean, isContainerTask: (pid: number) => boolean, into: CapabilityUse, effective: (pid: number) => bigint | undefined = () => undefined): boolean {
  for (const e of events) {
    if (e.kind === 'exec') {
      if (e.pid === initPid) started = true;
      continue;
    }
    if (!started || !isContainerTask(e.pid)) continue;
    // a grant outside the task's effective set was made with borrowed credentials: overlayfs acts
    // with its mounter's (dockerd's) for the task, e.g. SYS_ADMIN to read trusted.overlay.* xattrs
    const eff = e.granted ? effective(e.pid) : undefined;
    if (eff !== undefined && ((eff >> BigInt(e.cap)) & 1n) === 0n) {
      into.borrowed++;
      continue;
    }
    const map = e.granted ? into.granted : into.refused;
    const name = capabilityName(e.cap);
    map.set(name, (map.get(name) ?? 0) + 1);
  }
  return started;
}

/**
 * The kernel's capability:cap_capable tracepoint (recent kernels; measured on 6.18): every
 * capability check of every task, with its result, in a tracefs instance of our own so nothing
 * else that traces on the host is touched. Seccomp records cannot show capabilities (a capability
 * is checked inside a call), and this needs no BPF toolchain.
 */
export class CapabilityTrace {
  private fd = -1;
  private partial = '';

  private constructor(readonly instance: string) {}

  /** Opens the trace, or says why capabilities cannot be observed on this host. */
  static async open(root = '/sys/kernel/tracing'): Promise<CapabilityTrace | string> {
    if (!existsSync(join(root, 'available_events'))) {
      // tracefs is not mounted everywhere (this kind of VM boots without it)
      await run('mount', ['-t', 'tracefs', 'nodev', root]).catch(() => undefined);
      if (!existsSync(join(root, 'available_events'))) return `tracefs is not mounted at ${root} and could not be mounted`;
    }
    if (!existsSync(join(root, 'events/sched/sched_process_exec'))) return 'this kernel has no sched:sched_process_exec tracepoint';
    if (!existsSync(join(root, 'events/capability/cap_capable'))) return 'this kernel has no capability:cap_capable tracepoint (recent kernels have it; it was measured on 6.18)';
    const instance = join(root, 'instances', `bulkhead-learn-${process.pid}-${randomBytes(3).toString('hex')}`);
    try {
      mkdirSync(instance);
    } catch (e) {
      return `cannot create a tracefs instance (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    }
    const trace = new CapabilityTrace(instance);
    try {
      // a busy host asks thousands of times a second; 4 MiB per CPU holds the watch between reads
      writeFileSync(join(instance, 'buffer_size_kb'), '4096');
      writeFileSync(join(instance, 'events/capability/cap_capable/enable'), '1');
      writeFileSync(join(instance, 'events/sched/sched_process_exec/enable'), '1');
      trace.fd = openSync(join(instance, 'trace_pipe'), constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      await trace.close();
      return `cannot enable the cap_capable tracepoint (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
    }
    return trace;
  }

  /** The complete lines traced since the last read (never blocks). */
  readLines(): string[] {
    if (this.fd < 0) return [];
    const buf = Buffer.alloc(1 << 16);
    let text = this.partial;
    for (;;) {
      let n = 0;
      try {
        n = readSync(this.fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
        throw e;
      }
      if (n === 0) break;
      text += buf.subarray(0, n).toString('utf8');
    }
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines;
  }

  /** Events the ring buffer overwrote before they were read (per_cpu/cpuN/stats "overrun"). */
  lost(): number {
    let lost = 0;
    try {
      for (const cpu of readdirSync(join(this.instance, 'per_cpu'))) {
        lost += Number(/^overrun: (\d+)/m.exec(readFileSync(join(this.instance, 'per_cpu', cpu, 'stats'), 'utf8'))?.[1] ?? 0);
      }
    } catch {
      // no per-CPU stats: nothing known to be lost
    }
    return lost;
  }

  /** Disables the event and removes the instance (tracefs may call it busy for a moment after the last read). */
  async close(): Promise<void> {
    try {
      writeFileSync(join(this.instance, 'events/capability/cap_capable/enable'), '0');
      writeFileSync(join(this.instance, 'events/sched/sched_process_exec/enable'), '0');
    } catch {
      // the instance is removed below anyway
    }
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        rmdirSync(this.instance);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
