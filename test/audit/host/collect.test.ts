import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditdWatches, readDaemonJson } from '../../../src/audit/host/collect.js';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-hostfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readDaemonJson', () => {
  it('a missing file is fine', () => {
    expect(readDaemonJson(join(dir, 'nope.json'))).toEqual({ path: join(dir, 'nope.json'), status: 'missing' });
  });

  it('not JSON: a one-line problem naming the file and line', () => {
    const p = join(dir, 'bad.json');
    writeFileSync(p, '{\n  "icc": false,\n  "hosts": [unix:///x]\n}\n');
    const r = readDaemonJson(p);
    expect(r.status).toBe('invalid');
    expect(r.problem).toMatch(new RegExp(`^${p}:3: not valid JSON \\(.*\\); daemon\\.json checks skipped$`));
  });

  it('JSON that is not an object', () => {
    const p = join(dir, 'array.json');
    writeFileSync(p, '[1,2]');
    expect(readDaemonJson(p).problem).toMatch(/expected a JSON object/);
  });

  it('reads settings, owner and mode', () => {
    const p = join(dir, 'good.json');
    writeFileSync(p, '{"icc": false}', { mode: 0o640 });
    const r = readDaemonJson(p);
    expect(r).toMatchObject({ status: 'read', config: { icc: false }, mode: 0o640 });
  });
});

describe('auditdWatches', () => {
  it('no /etc/audit: auditd not configured', () => {
    expect(auditdWatches(join(dir, 'etc-none'))).toEqual({ configDir: undefined, watched: [] });
  });

  it('reads -w and -F path= watches from audit.rules and rules.d', () => {
    const etc = join(dir, 'etc');
    mkdirSync(join(etc, 'audit', 'rules.d'), { recursive: true });
    writeFileSync(join(etc, 'audit', 'audit.rules'), '-D\n-w /usr/bin/dockerd -k docker\n');
    writeFileSync(join(etc, 'audit', 'rules.d', 'docker.rules'), '-w /etc/docker/ -p wa -k docker\n-a always,exit -F path=/usr/bin/runc -F perm=x -k docker\n# -w /var/lib/docker\n');
    expect(auditdWatches(etc)).toEqual({ configDir: join(etc, 'audit'), watched: ['/etc/docker', '/usr/bin/dockerd', '/usr/bin/runc'] });
  });
});
