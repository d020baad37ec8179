import { describe, expect, it } from 'vitest';
import { formatTable } from '../../../src/audit/report/formatters/table.js';
import { terminalWidth, DEFAULT_TABLE_WIDTH } from '../../../src/audit/report/terminal-width.js';
import { severityRank, type Severity } from '../../../src/audit/model.js';
import { fleetReport } from './fleet.js';
import { stripAnsi, tableRows } from './table-rows.js';

describe('table formatter', () => {
  it.each([80, 60, 40, 128, 200])('fits %i columns, with and without colour', (width) => {
    for (const color of [false, true]) {
      const lines = stripAnsi(formatTable(fleetReport(), { color, width })).split('\n');
      const over = lines.filter((l) => [...l].length > width);
      expect(over, `lines over ${width} columns`).toEqual([]);
    }
  });

  it('lays out for 80 columns when no width is given (a pipe or a file)', () => {
    const lines = formatTable(fleetReport(), { color: false }).split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBe(DEFAULT_TABLE_WIDTH);
  });

  it('puts the worst target and its worst finding first, and sorts each target by severity, then rule id', () => {
    const out = formatTable(fleetReport(), { color: false, width: 80 });
    expect(out.split('\n')[0]).toMatch(/^container report-(priv|sock)$/);
    const rows = tableRows(out);
    expect(rows[0]![0]).toBe('critical');
    expect(rows[0]![1]).toMatch(/^CT00[14]$/);
    // per target: sections start with a target heading line
    for (const section of out.split(/\n(?=(?:container|host) )/)) {
      const r = tableRows(section);
      const keys = r.map(([sev, rule]) => [severityRank(sev as Severity), rule!] as const);
      const sorted = [...keys].sort((a, b) => b[0] - a[0] || a[1].localeCompare(b[1]));
      expect(keys).toEqual(sorted);
    }
    expect(out.trimEnd().split('\n').at(-1)).toBe('147 finding(s): 2 critical, 3 high, 78 medium, 48 low, 16 info');
  });

  it('wraps a long message at words instead of cutting it', () => {
    const out = formatTable(fleetReport(), { color: false, width: 80 });
    const lines = out.split('\n');
    const first = lines.findIndex((l) => l.includes('runc 1.1.5+ds1 is affected'));
    expect(first).toBeGreaterThan(0);
    const message: string[] = [];
    for (let i = first; i < lines.length && lines[i]!.startsWith('│'); i++) {
      const cells = lines[i]!.split('│').slice(1, -1);
      if (i > first && cells[0]!.trim() !== '') break;
      message.push(cells[2]!.trim());
    }
    expect(message.length).toBeGreaterThan(1);
    expect(message.join(' ')).toBe('runc 1.1.5+ds1 is affected by CVE-2024-21626: "Leaky Vessels": a leaked host file descriptor lets an image or exec working directory escape to the host filesystem; fixed in runc 1.1.12');
  });

  it('gives the location a column only when a message does not say it and there is room, else appends it', () => {
    const report = fleetReport();
    const host = report.targets[0]!;
    host.findings.push({ ruleId: 'HS021', severity: 'medium', message: 'engine file is writable by group', location: { path: '/etc/docker/daemon.json' }, fingerprint: 'hs021' });
    const section = (out: string) => out.slice(out.indexOf(`host ${host.name}`)).split('\n\n')[0]!;
    expect(section(formatTable(report, { color: false, width: 100 })).split('\n')[2]).toContain('location');
    const narrow = section(formatTable(report, { color: false, width: 44 }));
    expect(narrow.split('\n')[2]).not.toContain('location');
    // wrapped over lines: compare without the borders and spaces
    expect(narrow.replace(/[│\s]+/g, '')).toContain('writablebygroup(at/etc/docker/daemon.json)');
    // the socket mount's message names the path: no column for it
    const sock = formatTable(report, { color: false, width: 100 });
    expect(sock.slice(sock.indexOf('container report-sock')).split('\n')[2]).not.toContain('location');
  });
});

describe('terminal width', () => {
  it('honours $COLUMNS, else the TTY\'s columns, else 80', () => {
    expect(terminalWidth({ isTTY: true, columns: 132 }, { COLUMNS: '100' })).toBe(100);
    expect(terminalWidth({ isTTY: true, columns: 132 }, {})).toBe(132);
    expect(terminalWidth({ isTTY: false, columns: 132 }, {})).toBe(80);
    expect(terminalWidth({}, {})).toBe(80);
    expect(terminalWidth({ isTTY: true, columns: 90 }, { COLUMNS: 'wide' })).toBe(90);
    expect(terminalWidth({}, { COLUMNS: '0' })).toBe(80);
  });
});
