/** Table tests for each image rule: cases that fire and cases that must not, over hand-made facts. */
import { describe, expect, it } from 'vitest';
import { FinalView, type ImageConfigFacts, type ImageFacts } from '../../../src/audit/image/facts.js';
import { normalizeEntryPath, uidZeroNames, type FilesystemScan, type LayerEntry } from '../../../src/audit/image/fs-scan.js';
import { DISTRO_SETUID_PATHS, PROGRAM_DIRS, SHELL_NAMES, VERSIONED_SHELL_NAMES } from '../../../src/audit/image/data/programs.js';
import { imageRules } from '../../../src/audit/rules/image/index.js';
import { isDistroSetuidPath, isShellPath, setuidRisk } from '../../../src/audit/rules/image/setuid-setgid-files.js';
import { contentHashes, NO_ALLOWLISTS, type GateAllowlists } from '../../../src/audit/image/allowlist.js';
import { imageTargetResult } from '../../../src/audit/image/audit.js';
import { isRootUser } from '../../../src/users.js';
import { buildArgsOf } from '../../../src/audit/image/history.js';
import { FAKE } from '../secrets/fixtures.js';

type ScanPart = Partial<FilesystemScan>;

function scan(p: ScanPart): FilesystemScan {
  return { compression: 'gzip', entries: [], specialFiles: [], hashedFiles: [], worldWritable: [], secrets: [], whiteouts: [], sensitive: [], anomalies: [], bytes: 0, errors: [], ...p };
}
const file = (path: string, extra: Partial<LayerEntry> = {}): LayerEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, ...extra });

const baseConfig: ImageConfigFacts = { user: '1000', env: [], labels: {}, exposedPorts: [], healthcheck: ['CMD', 'true'], history: [] };

function facts(layers: ScanPart[], config: Partial<ImageConfigFacts> = {}): ImageFacts {
  const scans = layers.map((l) => {
    const s = scan(l);
    // every path a rule looks at is also an entry of its layer
    const paths = new Set(s.entries.map((e) => e.path));
    for (const e of [...s.specialFiles, ...s.worldWritable, ...s.secrets.map((x) => file(x.path)), ...s.sensitive.map((x) => file(x.path))]) if (!paths.has(e.path)) s.entries.push(file(e.path));
    return s;
  });
  return {
    name: 'fixture',
    config: { ...baseConfig, ...config },
    layers: scans.map((s, index) => ({ index, digest: `sha256:${String(index).repeat(64)}`, source: `l${index}`, scan: s, createdBy: `step ${index}` })),
    errors: [],
    notes: [],
    final: new FinalView(scans),
  };
}

const rule = (id: string) => {
  const r = imageRules.find((x) => x.meta.id === id);
  if (!r) throw new Error(id);
  return r;
};
const fires = (id: string, f: ImageFacts) => rule(id).check(f);

const suid = (path: string, uid = 0, mode = 0o4755, sha256 = 'a'.repeat(64)) => ({ ...file(path, { mode, uid }), setuid: (mode & 0o4000) !== 0, setgid: (mode & 0o2000) !== 0, sha256 });
const secret = (path: string, kind = 'github-token') => ({ path, kind, title: kind, severity: 'high' as const, redacted: 'ghp_…[redacted]' });

const BASH = 'b'.repeat(64);
const BUSYBOX = 'c'.repeat(64);
const SU = 'd'.repeat(64);
const OTHER = 'e'.repeat(64);
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const hashed = (path: string, sha256: string) => ({ path, sha256 });
/** A stock layer: bash and busybox where distros put them, su setuid at its distro path. */
const stock = (): ScanPart => ({
  hashedFiles: [hashed('/usr/bin/bash', BASH), hashed('/bin/busybox', BUSYBOX), hashed('/usr/bin/su', SU)],
  specialFiles: [suid('/usr/bin/su', 0, 0o4755, SU)],
});

describe('IM001 setuid-setgid-files: severity by content', () => {
  it.each([
    ['a copy of bash under another name is critical', [stock(), { specialFiles: [suid('/usr/local/bin/pgsh', 0, 0o4755, BASH)] }], '/usr/local/bin/pgsh', 'critical', /setuid-root shell or interpreter \(the same content as \/usr\/bin\/bash\)/],
    ['the same copy named bash is critical too', [stock(), { specialFiles: [suid('/usr/local/bin/bash', 0, 0o4755, BASH)] }], '/usr/local/bin/bash', 'critical', /root shell/],
    ['a copy of busybox outside any program directory is critical', [stock(), { specialFiles: [suid('/opt/.x', 0, 0o4755, BUSYBOX)] }], '/opt/.x', 'critical', /the same content as \/bin\/busybox/],
    ['the shell seen only in a later layer still counts', [{ specialFiles: [suid('/opt/tool', 0, 0o4755, BASH)] }, { hashedFiles: [hashed('/bin/bash', BASH)] }], '/opt/tool', 'critical', /root shell/],
    ['setuid-root busybox itself is critical', [{ hashedFiles: [hashed('/bin/busybox', BUSYBOX)], specialFiles: [suid('/bin/busybox', 0, 0o4755, BUSYBOX)] }], '/bin/busybox', 'critical', /root shell/],
    ['a file named bash that is not bash is judged by what it is', [stock(), { specialFiles: [suid('/opt/bash', 0, 0o4755, OTHER)] }], '/opt/bash', 'high', /unknown setuid-root binary/],
    ['an unknown setuid-root binary is high', [stock(), { specialFiles: [suid('/usr/local/bin/helper', 0, 0o4755, OTHER)] }], '/usr/local/bin/helper', 'high', /unknown setuid-root binary/],
    ['su at its distro path is a distro setuid program, medium', [stock()], '/usr/bin/su', 'medium', /: a distro setuid program$/],
    ['su under merged /usr counts at /bin/su too', [{ specialFiles: [suid('/bin/su', 0, 0o4755, SU)] }], '/bin/su', 'medium', /distro setuid program/],
    ['a byte-identical copy of su elsewhere is named as one', [stock(), { specialFiles: [suid('/opt/su2', 0, 0o4755, SU)] }], '/opt/su2', 'medium', /a copy of the distro setuid program \/usr\/bin\/su/],
    ['bash copied over a distro path is still a shell', [stock(), { specialFiles: [suid('/usr/bin/passwd', 0, 0o4755, BASH)] }], '/usr/bin/passwd', 'critical', /root shell/],
    ['setgid wall at its distro path is low', [{ specialFiles: [suid('/usr/bin/wall', 0, 0o2755, OTHER)] }], '/usr/bin/wall', 'low', /: a distro setgid program$/],
    ['a setgid copy of bash is high', [stock(), { specialFiles: [suid('/opt/gsh', 0, 0o2755, BASH)] }], '/opt/gsh', 'high', /setgid shell or interpreter/],
    ['a setuid copy of bash owned by uid 1000 is high', [stock(), { specialFiles: [suid('/opt/ush', 1000, 0o4755, BASH)] }], '/opt/ush', 'high', /a shell as uid 1000/],
    ['an empty setuid file is not a copy of an empty placeholder at a shell path', [{ hashedFiles: [hashed('/usr/bin/python3', EMPTY)], specialFiles: [suid('/opt/empty', 0, 0o4755, EMPTY)] }], '/opt/empty', 'high', /unknown setuid-root binary/],
    ['without a hash (a hard link not resolved) the path decides', [{ specialFiles: [{ ...suid('/bin/sh'), sha256: undefined }] }], '/bin/sh', 'critical', /root shell/],
  ] as const)('%s', (_n, layers, path, severity, why) => {
    const out = fires('IM001', facts([...layers] as unknown as ScanPart[])).filter((d) => d.location?.path === path);
    expect(out).toHaveLength(1);
    expect(out[0]?.severity).toBe(severity);
    expect(out[0]?.message).toMatch(why);
  });
  it.each([
    ['replaced by a later layer', [{ specialFiles: [suid('/bin/su')] }, { entries: [file('/bin/su', { mode: 0o755 })] }]],
    ['deleted by a later layer', [{ specialFiles: [suid('/bin/su')] }, { whiteouts: [{ path: '/bin/su', opaque: false }] }]],
    ['a shell that is not setuid', [{ hashedFiles: [hashed('/bin/bash', BASH)], entries: [file('/bin/bash', { mode: 0o755 })] }]],
  ] as const)('not when %s', (_n, layers) => {
    expect(fires('IM001', facts([...layers] as unknown as ScanPart[]))).toEqual([]);
  });
  it('prints the permission bits as chmod takes them, never the file type', () => {
    const [d] = fires('IM001', facts([{ specialFiles: [suid('/opt/x', 0, 0o4755, OTHER)] }]));
    expect(d?.message).toContain('mode 4755');
    expect(d?.evidence).toMatch(/^mode 4755 owner 0:0 sha256:e{64}$/);
    // a tar header that carries S_IFREG (0o100000) still prints 4755
    expect(fires('IM001', facts([{ specialFiles: [suid('/opt/x', 0, 0o104755, OTHER)] }]))[0]?.message).toContain('mode 4755)');
  });
  it('shell and distro paths come from the data', () => {
    expect(isShellPath('/usr/bin/python3.11')).toBe(true);
    expect(isShellPath('/usr/local/bin/perl5.36.0')).toBe(true);
    expect(isShellPath('/usr/share/bash')).toBe(false);
    expect(isDistroSetuidPath('/usr/bin/mount')).toBe(true);
    expect(isDistroSetuidPath('/usr/lib/openssh/ssh-keysign')).toBe(true);
    expect(isDistroSetuidPath('/opt/passwd')).toBe(false);
    expect(setuidRisk(suid('/usr/bin/sudo', 1000)).severity).toBe('low');
  });
});

describe('the program data IM001 and fs-scan share (src/audit/image/data/programs.ts)', () => {
  it('paths are absolute and normal, each listed once; names are basenames', () => {
    for (const p of [...DISTRO_SETUID_PATHS, ...PROGRAM_DIRS]) expect(normalizeEntryPath(p).path, p).toBe(p);
    expect(new Set(DISTRO_SETUID_PATHS).size).toBe(DISTRO_SETUID_PATHS.length);
    for (const n of [...SHELL_NAMES, ...VERSIONED_SHELL_NAMES]) expect(n, n).toMatch(/^[A-Za-z0-9._-]+$/);
  });
  it('the programs the name list used to know are all at a distro path', () => {
    // the basenames IM001 accepted by name before it judged by content
    for (const name of ['passwd', 'su', 'sudo', 'ping', 'mount', 'umount', 'newgrp', 'chsh', 'chfn', 'gpasswd', 'expiry', 'chage', 'unix_chkpwd', 'ssh-keysign', 'fusermount', 'wall', 'crontab', 'newuidmap', 'newgidmap', 'pkexec']) {
      expect(DISTRO_SETUID_PATHS.some((p) => p.endsWith(`/${name}`)), name).toBe(true);
    }
  });
});

describe('gate allowlists (applied to the findings, by path and sha256)', () => {
  const layers = (): ScanPart[] => [{ specialFiles: [suid('/usr/bin/passwd', 0, 0o4755, SU)], secrets: [{ ...secret('/srv/app/test/key.pem', 'private-key'), fileSha256: OTHER }] }];
  const run = (lists: Partial<GateAllowlists>) => {
    const f = facts(layers());
    return imageTargetResult(f, undefined, { ...NO_ALLOWLISTS, ...lists }).findings.filter((x) => x.ruleId === 'IM001' || x.ruleId === 'IM003');
  };
  it.each([
    ['a setuid file by path and sha256', { setuidAllowlist: [{ path: '/usr/bin/passwd', sha256: SU }] }, ['IM003']],
    ['a setuid file by path only', { setuidAllowlist: [{ path: '/usr/bin/passwd' }] }, ['IM003']],
    ['a secret file by path and sha256 (upper-case hex too)', { secretAllowlist: [{ path: '/srv/app/test/key.pem', sha256: OTHER.toUpperCase() }] }, ['IM001']],
    ['nothing listed', {}, ['IM001', 'IM003']],
    ['a secret entry does not accept a setuid file at that path', { secretAllowlist: [{ path: '/usr/bin/passwd', sha256: SU }] }, ['IM001', 'IM003']],
  ] as const)('accepts %s', (_n, lists, left) => {
    expect(run(lists as Partial<GateAllowlists>).map((x) => x.ruleId)).toEqual(left);
  });
  it('a listed path whose content changed is reported again, saying so', () => {
    const out = run({ setuidAllowlist: [{ path: '/usr/bin/passwd', sha256: BASH }], secretAllowlist: [{ path: '/srv/app/test/key.pem', sha256: BASH }] });
    expect(out.map((x) => x.message)).toEqual([
      expect.stringMatching(/allowlisted by path in gate\.setuidAllowlist, but its content changed \(sha256 dddddddddddd…, the allowlist has bbbbbbbbbbbb…\)$/),
      expect.stringMatching(/allowlisted by path in gate\.secretAllowlist, but its content changed \(sha256 eeeeeeeeeeee…, the allowlist has bbbbbbbbbbbb…\)$/),
    ]);
    expect(out.map((x) => x.severity)).toEqual(['medium', 'high']);
  });
  it('a listed path whose content could not be hashed is reported again', () => {
    const f = facts([{ secrets: [secret('/srv/app/.bash_history', 'shell-history')] }]);
    const out = imageTargetResult(f, undefined, { ...NO_ALLOWLISTS, secretAllowlist: [{ path: '/srv/app/.bash_history', sha256: OTHER }] }).findings.filter((x) => x.ruleId === 'IM003');
    expect(out[0]?.message).toMatch(/but its content could not be hashed/);
  });
  it('the same path in another layer is judged by that layer\'s content', () => {
    const f = facts([{ secrets: [{ ...secret('/a/k.pem', 'private-key'), fileSha256: OTHER }] }, { whiteouts: [{ path: '/a/k.pem', opaque: false }] }, { secrets: [{ ...secret('/a/k.pem', 'private-key'), fileSha256: BASH }] }]);
    const hashes = contentHashes(f);
    expect(hashes).toEqual({ '0|/a/k.pem': OTHER, '2|/a/k.pem': BASH });
    const left = imageTargetResult(f, undefined, { ...NO_ALLOWLISTS, secretAllowlist: [{ path: '/a/k.pem', sha256: OTHER }] }).findings.filter((x) => x.ruleId === 'IM003' || x.ruleId === 'IM004');
    expect(left.map((x) => [x.ruleId, x.location?.layer?.index])).toEqual([['IM003', 2]]);
  });
});

describe('IM002 world-writable-paths', () => {
  it('fires for a world-writable file and a directory without sticky bit, with the mode as chmod takes it', () => {
    const out = fires('IM002', facts([{ worldWritable: [file('/data/x', { mode: 0o666 }), { ...file('/data', { mode: 0o777 }), type: 'directory' }] }]));
    expect(out.map((d) => d.location?.path)).toEqual(['/data/x', '/data']);
    expect(out.map((d) => d.message)).toEqual(['/data/x is a world-writable file (mode 0666)', '/data is a world-writable directory without the sticky bit (mode 0777)']);
  });
  it('not when a later layer fixed the mode', () => {
    expect(fires('IM002', facts([{ worldWritable: [file('/data/x', { mode: 0o666 })] }, { entries: [file('/data/x')] }]))).toEqual([]);
  });
  it('not for a device node, fifo or socket (IM014 reports devices)', () => {
    expect(fires('IM002', facts([{ worldWritable: [{ ...file('/dev/null', { mode: 0o666 }), type: 'other' }] }]))).toEqual([]);
  });
});

describe('IM003 secret-in-file and IM004 secret-in-deleted-layer', () => {
  it('a secret in the final filesystem is IM003, not IM004', () => {
    const f = facts([{ secrets: [secret('/app/.env')] }]);
    expect(fires('IM003', f)).toHaveLength(1);
    expect(fires('IM004', f)).toEqual([]);
  });
  it.each([
    ['whiteout', { whiteouts: [{ path: '/root/.ssh/id_rsa', opaque: false }] }],
    ['whiteout of the parent', { whiteouts: [{ path: '/root/.ssh', opaque: false }] }],
    ['opaque parent', { whiteouts: [{ path: '/root/.ssh', opaque: true }] }],
    ['overwrite', { entries: [file('/root/.ssh/id_rsa')] }],
  ])('a secret hidden by a later %s is IM004 with both layers named', (_n, later) => {
    const f = facts([{ secrets: [secret('/root/.ssh/id_rsa', 'private-key')] }, later as ScanPart]);
    expect(fires('IM003', f)).toEqual([]);
    const [d] = fires('IM004', f);
    expect(d?.message).toMatch(/hidden by layer 1 but still extractable from layer 0/);
    expect(d?.location?.layer).toMatchObject({ index: 0, createdBy: 'step 0' });
  });
  it('an opaque directory in the same layer does not hide its own files', () => {
    expect(fires('IM003', facts([{ secrets: [secret('/root/.ssh/id_rsa')], whiteouts: [{ path: '/root/.ssh', opaque: true }] }]))).toHaveLength(1);
  });
});

describe('IM005 secret-in-config', () => {
  it.each([
    ['a token in Env', { env: [`GITHUB_TOKEN=${FAKE.github}`] }],
    ['a password in Env', { env: [`DB_PASSWORD=${FAKE.password}`] }],
    ['a key in Labels', { labels: { 'deploy.key': FAKE.awsKeyId } }],
  ])('fires for %s', (_n, cfg) => {
    const out = fires('IM005', facts([], cfg));
    expect(out).toHaveLength(1);
    expect(JSON.stringify(out)).not.toMatch(new RegExp(`${FAKE.github}|${FAKE.password}|${FAKE.awsKeyId}`));
  });
  it.each([
    ['*_FILE names', { env: ['DB_PASSWORD_FILE=/run/secrets/db'] }],
    ['placeholders', { env: ['SLACK_TOKEN=xoxb-your-token-here', 'API_KEY=changeme'] }],
    ['ordinary variables', { env: ['PATH=/usr/bin', 'HOME=/root'], labels: { 'org.opencontainers.image.source': 'https://example.com/repo' } }],
  ])('not for %s', (_n, cfg) => {
    expect(fires('IM005', facts([], cfg))).toEqual([]);
  });
});

describe('IM006 secret-in-history', () => {
  it('fires for a build arg value and a token in a RUN line, with the instruction redacted', () => {
    const history = [
      { createdBy: `|1 NPM_TOKEN=${FAKE.npm} /bin/sh -c npm ci`, emptyLayer: false },
      { createdBy: `/bin/sh -c curl -H "Authorization: token ${FAKE.github}" https://api.github.com`, emptyLayer: false },
    ];
    const out = fires('IM006', facts([{}, {}], { history }));
    expect(out.map((d) => d.location?.path)).toEqual(['history[0]', 'history[1]']);
    expect(JSON.stringify(out)).not.toContain(FAKE.npm);
    expect(JSON.stringify(out)).not.toContain(FAKE.github);
  });
  it('not for harmless args and ENV steps (IM005 covers Env)', () => {
    const history = [
      { createdBy: '|2 VERSION=1.2.3 TARGET=linux /bin/sh -c make', emptyLayer: false },
      { createdBy: `/bin/sh -c #(nop)  ENV GITHUB_TOKEN=${FAKE.github}`, emptyLayer: true },
    ];
    expect(fires('IM006', facts([{}], { history }))).toEqual([]);
  });
  it('reads build args', () => {
    expect(buildArgsOf('RUN |2 A=1 B=x y /bin/sh -c true')).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'x' }]);
    expect(buildArgsOf('/bin/sh -c true')).toEqual([]);
  });
});

describe('IM007 root-user', () => {
  it.each([[undefined], [''], ['root'], ['0'], ['0:0'], ['root:staff']])('fires for USER %s', (user) => {
    expect(fires('IM007', facts([], user === undefined ? { user: undefined } : { user }))).toHaveLength(1);
  });
  it.each([['1000'], ['app'], ['10001:10001'], ['nobody']])('not for USER %s', (user) => {
    expect(isRootUser(user)).toBe(false);
    expect(fires('IM007', facts([], { user }))).toEqual([]);
  });
  const passwd = (rootNames: string[]): ScanPart => ({ entries: [file('/etc/passwd')], passwdRootNames: rootNames });
  it.each<[string, ScanPart[], string]>([
    ['a name the final /etc/passwd maps to uid 0', [passwd(['root', 'admin'])], 'admin'],
    ['with a group', [passwd(['root', 'admin'])], 'admin:staff'],
    ['added by a later layer', [passwd(['root']), passwd(['root', 'admin'])], 'admin'],
  ])('fires for %s', (_n, layers, user) => {
    const out = fires('IM007', facts(layers, { user }));
    expect(out).toHaveLength(1);
    expect(out[0]?.message).toBe('the image runs as admin, which is uid 0 (root) in its /etc/passwd');
    expect(out[0]?.location?.path).toBe('/etc/passwd');
  });
  it.each<[string, ScanPart[], string]>([
    ['a name that is not uid 0', [passwd(['root'])], 'app'],
    ['a uid 0 alias that a later layer removed', [passwd(['root', 'admin']), passwd(['root'])], 'admin'],
    ['a numeric user, whatever /etc/passwd says', [passwd(['root', '1000'])], '1000'],
    ['no /etc/passwd at all', [], 'admin'],
    ['an /etc/passwd that a later layer deleted', [passwd(['root', 'admin']), { whiteouts: [{ path: '/etc/passwd', opaque: false }] }], 'admin'],
  ])('not for %s', (_n, layers, user) => {
    expect(fires('IM007', facts(layers, { user }))).toEqual([]);
  });
  it('reads uid 0 names from an /etc/passwd text as runc does (a uid that is not a number is 0)', () => {
    expect(uidZeroNames('root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\nbad\nodd:x:zero:0::/:/bin/sh\napp:x:0:0::/:/bin/sh\n')).toEqual(['root', 'toor', 'bad', 'odd']);
  });
});

describe('IM008 ssh-port-exposed, IM009 no-healthcheck', () => {
  it('EXPOSE 22 fires, 2222 and 8022 do not', () => {
    expect(fires('IM008', facts([], { exposedPorts: ['22/tcp'] }))).toHaveLength(1);
    expect(fires('IM008', facts([], { exposedPorts: ['2222/tcp', '8022/tcp'] }))).toEqual([]);
  });
  it('no health check, or NONE, fires; a CMD check does not', () => {
    expect(fires('IM009', facts([], { healthcheck: undefined }))).toHaveLength(1);
    expect(fires('IM009', facts([], { healthcheck: ['NONE'] }))).toHaveLength(1);
    expect(fires('IM009', facts([], { healthcheck: ['CMD-SHELL', 'curl -f localhost'] }))).toEqual([]);
  });
});

describe('IM010-IM012 sensitive files', () => {
  it.each([
    ['IM010', 'shadow-password-hash', '/etc/shadow'],
    ['IM011', 'authorized-keys', '/root/.ssh/authorized_keys'],
    ['IM012', 'git-directory', '/src/.git'],
  ] as const)('%s fires for %s present, not when deleted later', (id, kind, path) => {
    const s = { sensitive: [{ path, kind, detail: 'x' }] };
    expect(fires(id, facts([s]))).toHaveLength(1);
    expect(fires(id, facts([s, { whiteouts: [{ path, opaque: false }] }]))).toEqual([]);
  });
});

describe('IM013 unreadable-layer, IM014 suspicious-archive-entries', () => {
  it('unsupported compression, read errors and missing layers fire; clean layers do not', () => {
    const f = facts([{ unsupported: 'unsupported layer compression (xz)' }, { errors: [{ message: 'truncated tar stream' }] }, {}]);
    f.layers.push({ index: 3, digest: 'x', source: 'x/layer.tar', error: 'the manifest lists x/layer.tar but the image has no such layer' });
    expect(fires('IM013', f).map((d) => d.message)).toEqual([
      'layer 0: unsupported layer compression (xz)',
      'layer 1: truncated tar stream',
      'layer 3: the manifest lists x/layer.tar but the image has no such layer',
    ]);
    expect(fires('IM013', facts([{}]))).toEqual([]);
  });
  it('anomalies and duplicate layers fire; clean layers do not', () => {
    const f = facts([{ anomalies: [{ kind: 'path-traversal', path: '/etc/x', message: 'entry name "../etc/x" contains ".."' }] }, {}]);
    f.layers[1]!.duplicateOf = 0;
    expect(fires('IM014', f)).toHaveLength(2);
    expect(fires('IM014', facts([{}]))).toEqual([]);
  });
  it('a device node in a layer is IM014 (once per layer), not IM002', () => {
    const dev = { ...file('/dev/null', { mode: 0o666 }), type: 'other' as const };
    const f = facts([{ entries: [dev], worldWritable: [dev], anomalies: [{ kind: 'device-file', path: '/dev/null', message: 'character-device /dev/null in the image' }] }]);
    expect(fires('IM014', f).map((d) => d.message)).toEqual(['layer 0: character-device /dev/null in the image']);
    expect(fires('IM002', f)).toEqual([]);
  });
});
