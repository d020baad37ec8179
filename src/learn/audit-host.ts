import { execFile } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { BulkheadError } from '../errors.js';

const run = promisify(execFile);

/** What `auditctl -s` says; `lost` counts records the kernel dropped host-wide since boot. */
export interface AuditStatus {
  pid: number;
  lost: number;
  backlogLimit: number;
}

export function parseAuditStatus(text: string): AuditStatus {
  const num = (key: string): number => Number(new RegExp(`^${key} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
  return { pid: num('pid'), lost: num('lost'), backlogLimit: num('backlog_limit') };
}

/** auditd.conf's log_file (default /var/log/audit/audit.log). */
export function auditLogPath(conf: string): string {
  return /^\s*log_file\s*=\s*(\S+)/m.exec(conf)?.[1] ?? '/var/log/audit/audit.log';
}

/** A backlog this deep holds a few seconds of a busy workload's records while auditd writes them. */
export const LEARN_BACKLOG = 8192;

/**
 * The seccomp records' route on this host: auditd's log. Without auditd the kernel prints them
 * to its log rate-limited (printk_ratelimit 5 s / burst 10: only 10 records of a run arrive),
 * so learn refuses rather than learn from a short list (docs/learn.md).
 */
export class AuditdLog {
  /** the log file as opened: after auditd rotates it (rename, new file) this still reads the old one to its end */
  private fd = -1;
  private ino = 0;
  private offset = 0;
  private partial = '';
  private restoreBacklog: number | undefined;
  lostAtStart = 0;
  /** how many times auditd rotated the log while watched (each followed, not a loss) */
  rotations = 0;

  private constructor(readonly path: string) {}

  static async open(): Promise<AuditdLog> {
    const status = await auditStatus();
    if (!(status.pid > 0)) {
      throw new BulkheadError('refused', 'learn: auditd is not running, and without it the kernel rate-limits seccomp records (10 per 5 s): install and start it (apt-get install auditd; auditd), see docs/learn.md');
    }
    let conf = '';
    try {
      conf = readFileSync('/etc/audit/auditd.conf', 'utf8');
    } catch {
      // the default path then
    }
    const path = auditLogPath(conf);
    let log: AuditdLog;
    try {
      log = AuditdLog.tail(path);
    } catch (e) {
      throw new BulkheadError('refused', `learn: cannot read auditd's log ${path}: ${(e as Error).message}`);
    }
    log.lostAtStart = status.lost;
    if (status.backlogLimit < LEARN_BACKLOG) {
      await run('auditctl', ['-b', String(LEARN_BACKLOG)]);
      log.restoreBacklog = status.backlogLimit;
    }
    return log;
  }

  /** Follows a log file from its current end (lines written from now on), across rotations. */
  static tail(path: string): AuditdLog {
    const log = new AuditdLog(path);
    log.follow();
    log.offset = fstatSync(log.fd).size;
    return log;
  }

  /** Opens the file now at the path, from its start. */
  private follow(): void {
    const fd = openSync(this.path, 'r');
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = fd;
    this.ino = fstatSync(fd).ino;
    this.offset = 0;
  }

  private readToEnd(): string {
    const size = fstatSync(this.fd).size;
    // truncated in place (not auditd's way, but a copytruncate rotation): start over
    if (size < this.offset) this.offset = 0;
    if (size === this.offset) return '';
    const buf = Buffer.alloc(size - this.offset);
    const n = readSync(this.fd, buf, 0, buf.length, this.offset);
    this.offset += n;
    return buf.subarray(0, n).toString('utf8');
  }

  /**
   * New complete lines since the last read. When auditd has rotated the log (the path names a
   * new file), the old file is read to its end first, then the new one from its start: records
   * written around a rotation are not lost (8 MB logs rotate every ~15 learn runs of a web app).
   */
  readLines(): string[] {
    let text = this.partial + this.readToEnd();
    let current: number | undefined;
    try {
      current = statSync(this.path).ino;
    } catch {
      // between the rename and the new file: the next read finds it
    }
    if (current !== undefined && current !== this.ino) {
      text += this.readToEnd();
      this.follow();
      this.rotations++;
      text += this.readToEnd();
    }
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines;
  }

  /** Records the kernel dropped host-wide while we watched (ours may be among them). */
  async lostSinceStart(): Promise<number> {
    return (await auditStatus()).lost - this.lostAtStart;
  }

  /** Puts the backlog limit back as it was. */
  async close(): Promise<void> {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (this.restoreBacklog !== undefined) await run('auditctl', ['-b', String(this.restoreBacklog)]).catch(() => undefined);
  }
}

async function auditStatus(): Promise<AuditStatus> {
  try {
    return parseAuditStatus((await run('auditctl', ['-s'])).stdout);
  } catch (e) {
    throw new BulkheadError('refused', `learn: cannot read the audit status (auditctl -s: ${(e as Error).message.split('\n')[0]}); learn needs root and auditd (apt-get install auditd), see docs/learn.md`);
  }
}

/** Whether a host pid belongs to the container: its cgroup path names the container id. */
export function pidInContainerCgroup(pid: number, containerId: string): boolean | undefined {
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(containerId);
  } catch {
    // the process is gone: its cgroup can no longer be read
    return undefined;
  }
}

/** TCP ports in LISTEN state in the network namespace of a host pid (/proc/PID/net/tcp and tcp6). */
export function listeningPorts(pid: number): number[] {
  const ports = new Set<number>();
  for (const file of ['tcp', 'tcp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // st 0A is TCP_LISTEN
      if (cols[3] === '0A' && cols[1]) ports.add(parseInt(cols[1].split(':')[1] ?? '', 16));
    }
  }
  return [...ports].filter((p) => Number.isInteger(p)).sort((a, b) => a - b);
}
