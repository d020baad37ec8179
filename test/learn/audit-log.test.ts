import { appendFileSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditdLog } from '../../src/learn/audit-host.js';

const rec = (n: number): string => `type=SECCOMP msg=audit(1.0:${n}): pid=7 comm="x" arch=c000003e syscall=${n} code=0x7ffc0000\n`;

describe("following auditd's log", () => {
  it('reads only what was written after it started, and keeps a partial line for the next read', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'auditlog-')), 'audit.log');
    writeFileSync(file, rec(1));
    const log = AuditdLog.tail(file);
    expect(log.readLines()).toEqual([]);
    appendFileSync(file, rec(2) + 'type=SECCOMP msg=audit(1.0:3): pid=7');
    expect(log.readLines()).toEqual([rec(2).trim()]);
    appendFileSync(file, ' comm="x" arch=c000003e syscall=3 code=0x7ffc0000\n');
    expect(log.readLines()).toEqual([rec(3).trim()]);
  });

  it('loses nothing across a rotation: the old file to its end, then the new one from its start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, rec(1));
    const log = AuditdLog.tail(file);
    appendFileSync(file, rec(2));
    expect(log.readLines()).toEqual([rec(2).trim()]);
    // auditd's rotation: the last records land in the old file, which is renamed; a new one starts
    appendFileSync(file, rec(3));
    renameSync(file, join(dir, 'audit.log.1'));
    writeFileSync(file, rec(4) + rec(5));
    expect(log.readLines()).toEqual([rec(3).trim(), rec(4).trim(), rec(5).trim()]);
    expect(log.rotations).toBe(1);
    appendFileSync(file, rec(6));
    expect(log.readLines()).toEqual([rec(6).trim()]);
    await log.close();
  });

  it('a new file bigger than the old offset is still read from its start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auditlog-'));
    const file = join(dir, 'audit.log');
    writeFileSync(file, rec(1));
    const log = AuditdLog.tail(file);
    renameSync(file, join(dir, 'audit.log.1'));
    writeFileSync(file, Array.from({ length: 20 }, (_, i) => rec(100 + i)).join(''));
    const lines = log.readLines();
    expect(lines).toHaveLength(20);
    expect(lines[0]).toBe(rec(100).trim());
  });
});
