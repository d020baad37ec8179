import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { auditdFacts, auditdWatches, dataRootFacts, readDaemonJson, registryCertFiles } from '../../../src/audit/host/collect.js';
import { containerdSockets } from '../../../src/audit/host/engine-files.js';
import { engineFilesNotAudited } from '../../../src/audit/rules/host/engine-files-not-audited.js';
import { engineFilePermissions } from '../../../src/audit/rules/host/engine-file-permissions.js';
import { dataRootNotSeparate } from '../../../src/audit/rules/host/data-root-not-separate.js';

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
    expect(auditdWatches(join(dir, 'etc-none'))).toEqual({ configDir: undefined, watched: [], trees: [] });
  });

  it('reads -w and -F path= watches from audit.rules and rules.d', () => {
    const etc = join(dir, 'etc');
    mkdirSync(join(etc, 'audit', 'rules.d'), { recursive: true });
    writeFileSync(join(etc, 'audit', 'audit.rules'), '-D\n-w /usr/bin/dockerd -k docker\n');
    writeFileSync(join(etc, 'audit', 'rules.d', 'docker.rules'), '-w /etc/docker/ -p wa -k docker\n-a always,exit -F path=/usr/bin/runc -F perm=x -k docker\n# -w /var/lib/docker\n');
    // /usr/bin/runc is a symlink on Debian: its target counts as watched too
    const runc = realpathSync('/usr/bin/runc');
    expect(auditdWatches(etc)).toEqual({
      configDir: join(etc, 'audit'),
      watched: [...new Set(['/etc/docker', '/usr/bin/dockerd', '/usr/bin/runc', runc])].sort(),
      trees: ['/etc/docker', '/usr/bin/dockerd'],
    });
  });
});

describe('dataRootFacts (HS023) on real directories', () => {
  const hs023 = (path: string) => {
    const facts = dataRootFacts(path, '/proc');
    if (typeof facts === 'string') throw new Error(facts);
    return { facts, findings: dataRootNotSeparate.check({ dataRoot: facts } as Parameters<typeof dataRootNotSeparate.check>[0]) };
  };

  it('a bind mount of a directory on the root filesystem is a mount point and not separate', () => {
    const src = join(dir, 'bind-src');
    const target = join(dir, 'bind-target');
    mkdirSync(src);
    mkdirSync(target);
    const mount = spawnSync('mount', ['--bind', src, target], { encoding: 'utf8' });
    expect(mount.status, mount.stderr).toBe(0);
    try {
      const { facts, findings } = hs023(target);
      expect(facts.mountPoint).toBe(true);
      // dir is under tmpdir(); compare with the device of the filesystem it really is on
      expect(facts.device).toBe(hs023(src).facts.device);
      if (facts.device === facts.rootDevice) expect(findings[0]?.message).toMatch(/is a mount point on the same device as \/ \(a bind mount/);
      else expect(findings).toEqual([]);
    } finally {
      spawnSync('umount', [target]);
    }
  });

  it('a directory on another filesystem (tmpfs /dev/shm) is separate', () => {
    const shm = mkdtempSync('/dev/shm/bulkhead-dataroot-');
    try {
      const { facts, findings } = hs023(shm);
      expect(facts.device).not.toBe(facts.rootDevice);
      expect(findings).toEqual([]);
    } finally {
      rmSync(shm, { recursive: true, force: true });
    }
  });

  it('a directory on / itself is not separate', () => {
    const { facts, findings } = hs023('/etc');
    expect(facts.mountPoint).toBe(false);
    expect(findings[0]?.message).toBe('engine data root /etc is on the root filesystem, so it is not a separate filesystem');
  });

  it('a data root that cannot be stat-ed is a problem line, not a guess', () => {
    expect(dataRootFacts(join(dir, 'no-such-root'), '/proc')).toMatch(/no-such-root: cannot stat the engine data root \(ENOENT\); data root check skipped$/);
  });
});

describe('containerdSockets: where containerd listens for this dockerd', () => {
  it.each([
    ['no flags: the containerd dockerd starts under its default exec root, and the system one', {}, {}, ['/var/run/docker/containerd/containerd.sock', '/run/containerd/containerd.sock']],
    ['--exec-root', { 'exec-root': ['/srv/exec/'] }, {}, ['/srv/exec/containerd/containerd.sock', '/run/containerd/containerd.sock']],
    ['"exec-root" in daemon.json', {}, { 'exec-root': '/opt/x' }, ['/opt/x/containerd/containerd.sock', '/run/containerd/containerd.sock']],
    ['--containerd names the system one', { containerd: ['/run/containerd/containerd.sock'] }, {}, ['/run/containerd/containerd.sock']],
    ['"containerd" in daemon.json', {}, { containerd: 'unix:///srv/c.sock' }, ['/srv/c.sock', '/run/containerd/containerd.sock']],
  ])('%s', (_name, flags, config, expected) => {
    expect(containerdSockets(new Map(Object.entries(flags)), config)).toEqual(expected);
  });
});

describe('registry certificates under certs.d (HS021, CIS 3.7/3.8) on a real directory', () => {
  const certs = join(dir, 'etc-certs', 'docker', 'certs.d');
  const reg = join(certs, 'registry.example:5000');
  const hs021 = () => engineFilePermissions.check({ engineFiles: registryCertFiles(certs) } as Parameters<typeof engineFilePermissions.check>[0]).map((f) => f.message);

  it('root:root, certificates 444, key 400, directories 755: nothing', () => {
    mkdirSync(reg, { recursive: true, mode: 0o755 });
    chmodSync(certs, 0o755);
    chmodSync(reg, 0o755);
    for (const [f, mode] of [['ca.crt', 0o444], ['client.cert', 0o444], ['client.key', 0o400]] as const) {
      writeFileSync(join(reg, f), 'x');
      chmodSync(join(reg, f), mode);
    }
    expect(registryCertFiles(certs).map((f) => [f.path.slice(certs.length), f.maxMode.toString(8), f.cis.join(',')])).toEqual([
      ['', '755', '3.7,3.8'],
      ['/registry.example:5000', '755', '3.7,3.8'],
      ['/registry.example:5000/ca.crt', '444', '3.7,3.8'],
      ['/registry.example:5000/client.cert', '444', '3.7,3.8'],
      ['/registry.example:5000/client.key', '400', '3.7,3.8'],
    ]);
    expect(hs021()).toEqual([]);
  });

  it('a certificate 644, a key readable by all, a file owned by a user, a directory anyone may write: each reported', () => {
    chmodSync(join(reg, 'ca.crt'), 0o644);
    chmodSync(join(reg, 'client.key'), 0o444);
    chownSync(join(reg, 'client.cert'), 1000, 1000);
    chmodSync(reg, 0o777);
    expect(hs021()).toEqual([
      `${reg} has mode 777, wider than 755`,
      `${reg}/ca.crt has mode 644, wider than 444`,
      `${reg}/client.cert is owned by 1000:1000, not root:root`,
      `${reg}/client.key has mode 444, wider than 400`,
    ]);
  });

  it('a symlinked directory is not walked into; a missing certs.d gives nothing', () => {
    symlinkSync('/etc', join(reg, 'loop'));
    expect(registryCertFiles(certs).some((f) => f.path.includes('/loop'))).toBe(false);
    expect(registryCertFiles(join(dir, 'no-certs.d'))).toEqual([]);
  });
});

describe('auditd watch list completeness (HS022) through the facts collector', () => {
  const root = join(dir, 'auditd-host');
  const etc = join(root, 'etc');
  const proc = join(root, 'proc');
  // the engine's own files, as the collector learns them from the running daemon
  const dataRoot = join(root, 'data-root');
  const daemonJson = join(root, 'daemon.json');
  const hs022 = () =>
    engineFilesNotAudited.check({ auditd: auditdFacts(etc, proc, { 'data-root': [dataRoot], 'daemon-json': [daemonJson], 'dockerd-executable': [] }) } as Parameters<typeof engineFilesNotAudited.check>[0]).map((f) => f.message);
  const rules = (text: string) => writeFileSync(join(etc, 'audit', 'rules.d', 'docker.rules'), text);

  it('auditd configured but not running: one finding, the watch list is moot', () => {
    mkdirSync(join(etc, 'audit', 'rules.d'), { recursive: true });
    mkdirSync(dataRoot, { recursive: true });
    writeFileSync(daemonJson, '{}');
    mkdirSync(join(proc, '1'), { recursive: true });
    writeFileSync(join(proc, '1', 'comm'), 'systemd\n');
    rules('');
    expect(hs022()).toEqual([`auditd is not running: the watches in ${join(etc, 'audit')} have no effect`]);
  });

  it('auditd running with no docker watches: every CIS 1.1 path that exists here is reported, with its CIS id', () => {
    mkdirSync(join(proc, '400'), { recursive: true });
    writeFileSync(join(proc, '400', 'comm'), 'auditd\n');
    const messages = hs022();
    expect(messages).toContain(`${dataRoot} is not watched by auditd (CIS 1.1.5)`);
    expect(messages).toContain(`${daemonJson} is not watched by auditd (CIS 1.1.11)`);
    // the fixed paths of the list that exist on this machine are expected too, resolved
    const runc = realpathSync('/usr/bin/runc');
    expect(messages).toContain(`/usr/bin/runc${runc !== '/usr/bin/runc' ? ` (${runc})` : ''} is not watched by auditd (CIS 1.1.18)`);
    expect(messages.some((m) => m.startsWith('/etc/sysconfig/docker'))).toBe(false); // not on Debian
  });

  it('every existing path watched (a tree watch covers what is under it): nothing', () => {
    const facts = auditdFacts(etc, proc, { 'data-root': [dataRoot], 'daemon-json': [daemonJson] });
    // daemon.json is covered by a watch on its directory; the rest are watched one by one
    rules([`-w ${root} -p wa -k docker`, ...facts.expected.filter((e) => !e.path.startsWith(root)).map((e) => `-w ${e.path} -p wa -k docker`)].join('\n'));
    expect(hs022()).toEqual([]);
  });

  it('a watch written with -F path= on a directory does not cover the files under it', () => {
    rules(readFileSync(join(etc, 'audit', 'rules.d', 'docker.rules'), 'utf8').replace(`-w ${root} -p wa -k docker`, `-a always,exit -F path=${root} -F perm=wa -k docker\n-w ${dataRoot} -k docker`));
    expect(hs022()).toEqual([`${daemonJson} is not watched by auditd (CIS 1.1.11)`]);
  });
});
