/** Table tests for each image rule: cases that fire and cases that must not, over hand-made facts. */
import { describe, expect, it } from 'vitest';
import { FinalView, type ImageConfigFacts, type ImageFacts } from '../../../src/audit/image/facts.js';
import { uidZeroNames, type FilesystemScan, type LayerEntry } from '../../../src/audit/image/fs-scan.js';
import { imageRules } from '../../../src/audit/rules/image/index.js';
import { setuidRisk } from '../../../src/audit/rules/image/setuid-setgid-files.js';
import { isRootUser } from '../../../src/users.js';
import { buildArgsOf } from '../../../src/audit/image/history.js';
import { FAKE } from '../secrets/fixtures.js';

type ScanPart = Partial<FilesystemScan>;

function scan(p: ScanPart): FilesystemScan {
  return { compression: 'gzip', entries: [], specialFiles: [], hashedFiles: [], worldWritable: [], secrets: [], whiteouts: [], sensitive: [], anomalies: [], bytes: 0, errors: [], ...p };
}
const file = (path: string, extra: Partial<LayerEntry> = {}): LayerEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1, ...extra });

const baseConfig: ImageConfigFacts = { user: '1000', env: [], labels: {}, exposedPorts: [], healthcheck: ['CMD', 'true'], history: [] };

function facts(layers: ScanPart[], config: Partial<ImageConfigFacts> = {}, allow: ImageFacts['setuidAllowlist'] = []): ImageFacts {
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
    setuidAllowlist: allow,
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

describe('IM001 setuid-setgid-files', () => {
  it.each([
    ['a setuid-root shell is critical', [{ specialFiles: [suid('/bin/sh')] }], [], 'critical'],
    ['setuid-root busybox is critical', [{ specialFiles: [suid('/bin/busybox')] }], [], 'critical'],
    ['an unknown setuid-root binary is high', [{ specialFiles: [suid('/usr/local/bin/helper')] }], [], 'high'],
    ['passwd is medium', [{ specialFiles: [suid('/usr/bin/passwd')] }], [], 'medium'],
    ['setgid wall is low', [{ specialFiles: [suid('/usr/bin/wall', 0, 0o2755)] }], [], 'low'],
    ['an allowlisted path with a changed hash', [{ specialFiles: [suid('/usr/bin/passwd')] }], [{ path: '/usr/bin/passwd', sha256: 'b'.repeat(64) }], 'medium'],
  ] as const)('%s', (_n, layers, allow, severity) => {
    const out = fires('IM001', facts([...layers] as unknown as ScanPart[], {}, [...allow]));
    expect(out).toHaveLength(1);
    expect(out[0]?.severity).toBe(severity);
  });
  it.each([
    ['allowlisted by path and sha256', [{ specialFiles: [suid('/usr/bin/passwd')] }], [{ path: '/usr/bin/passwd', sha256: 'a'.repeat(64) }]],
    ['allowlisted by path only', [{ specialFiles: [suid('/usr/bin/passwd')] }], [{ path: '/usr/bin/passwd' }]],
    ['replaced by a later layer', [{ specialFiles: [suid('/bin/su')] }, { entries: [file('/bin/su', { mode: 0o755 })] }], []],
    ['deleted by a later layer', [{ specialFiles: [suid('/bin/su')] }, { whiteouts: [{ path: '/bin/su', opaque: false }] }], []],
  ] as const)('not when %s', (_n, layers, allow) => {
    expect(fires('IM001', facts([...layers] as unknown as ScanPart[], {}, [...allow]))).toEqual([]);
  });
  it('ranks by risk', () => {
    expect(setuidRisk(suid('/usr/bin/python3.11')).severity).toBe('critical');
    expect(setuidRisk(suid('/usr/bin/sudo', 1000)).severity).toBe('low');
  });
});

describe('IM002 world-writable-paths', () => {
  it('fires for a world-writable file and a directory without sticky bit', () => {
    const out = fires('IM002', facts([{ worldWritable: [file('/data/x', { mode: 0o666 }), { ...file('/data', { mode: 0o777 }), type: 'directory' }] }]));
    expect(out.map((d) => d.location?.path)).toEqual(['/data/x', '/data']);
  });
  it('not when a later layer fixed the mode', () => {
    expect(fires('IM002', facts([{ worldWritable: [file('/data/x', { mode: 0o666 })] }, { entries: [file('/data/x')] }]))).toEqual([]);
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
});
