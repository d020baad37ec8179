import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'authz-install-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('bulkhead authz install / uninstall', () => {
  it('writes a systemd unit with Restart=on-failure and prints the daemon.json line, without editing it', async () => {
    mkdirSync(join(root, 'etc/docker'), { recursive: true });
    writeFileSync(join(root, 'etc/docker/daemon.json'), '{"log-driver":"json-file"}\n');
    const r = await runCli(['authz', 'install', '--policy', 'untrusted', '--mode', 'audit', '--root', root]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const unit = readFileSync(join(root, 'etc/systemd/system/bulkhead-authz.service'), 'utf8');
    expect(unit).toContain('Restart=on-failure');
    expect(unit).toMatch(/ExecStart=.* authz serve --policy untrusted --socket \/run\/docker\/plugins\/bulkhead\.sock --mode audit/);
    // node's young generation capped as measured in bench/authz.mjs (src/authz/install.ts SERVE_NODE_FLAGS)
    expect(unit).toMatch(/ExecStart=\S*node --max-semi-space-size=2 \S+ authz serve/);
    expect(unit).toContain('RequiredBy=docker.service');
    // the default socket is found by name: no spec file
    expect(existsSync(join(root, 'etc/docker/plugins/bulkhead.spec'))).toBe(false);
    expect(r.stdout).toContain('"authorization-plugins": ["bulkhead"]');
    expect(r.stdout).toMatch(/fail-closed/);
    expect(readFileSync(join(root, 'etc/docker/daemon.json'), 'utf8')).toBe('{"log-driver":"json-file"}\n');
  });

  it('writes a spec file for a socket elsewhere, and edits daemon.json only when asked', async () => {
    const r = await runCli(['authz', 'install', '--policy', 'default', '--socket', '/run/bulkhead/authz.sock', '--edit-daemon-json', '--root', root]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(root, 'etc/docker/plugins/bulkhead.spec'), 'utf8')).toBe('unix:///run/bulkhead/authz.sock\n');
    expect(JSON.parse(readFileSync(join(root, 'etc/docker/daemon.json'), 'utf8'))).toEqual({ 'log-driver': 'json-file', 'authorization-plugins': ['bulkhead'] });
  });

  it('refuses an invalid policy before writing anything', async () => {
    const r = await runCli(['authz', 'install', '--policy', 'no-such-policy', '--root', join(root, 'other')]);
    expect(r.code).toBe(2);
    expect(existsSync(join(root, 'other'))).toBe(false);
  });

  it('uninstall removes what install wrote and says to take the plugin out of dockerd first', async () => {
    const r = await runCli(['authz', 'uninstall', '--edit-daemon-json', '--root', root]);
    expect(r.code).toBe(0);
    expect(existsSync(join(root, 'etc/systemd/system/bulkhead-authz.service'))).toBe(false);
    expect(existsSync(join(root, 'etc/docker/plugins/bulkhead.spec'))).toBe(false);
    expect(JSON.parse(readFileSync(join(root, 'etc/docker/daemon.json'), 'utf8'))).toEqual({ 'log-driver': 'json-file' });
    expect(r.stdout).toMatch(/systemctl restart docker[\s\S]*systemctl disable --now bulkhead-authz/);
  });
});
