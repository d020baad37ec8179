/**
 * IM003 over what the detector finds in real-looking layers: package test fixtures grouped per
 * package at low, SSH host keys explained, planted secrets at full severity.
 */
import { describe, expect, it } from 'vitest';
import { FinalView, type ImageFacts } from '../../../src/audit/image/facts.js';
import type { FileSecret, FilesystemScan, LayerEntry } from '../../../src/audit/image/fs-scan.js';
import { secretInFile } from '../../../src/audit/rules/image/secret-in-file.js';
import { scanText } from '../../../src/audit/secrets/index.js';
import { FAKE, opensshEd25519, randomish, rsaPem } from '../secrets/fixtures.js';

const file = (path: string): LayerEntry => ({ path, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 1 });

/** One layer per map: path -> content, scanned by the real detector as fs-scan does. */
function facts(layers: Array<Record<string, string>>): ImageFacts {
  const scans: FilesystemScan[] = layers.map((files) => {
    const secrets: FileSecret[] = [];
    for (const [path, text] of Object.entries(files)) for (const m of scanText(text, { path })) secrets.push({ ...m, path });
    return { compression: 'gzip', entries: Object.keys(files).map(file), specialFiles: [], worldWritable: [], secrets, whiteouts: [], sensitive: [], anomalies: [], bytes: 0, errors: [], hashedFiles: [] };
  });
  return {
    name: 'fixture',
    config: { user: '1000', env: [], labels: {}, exposedPorts: [], healthcheck: ['CMD', 'true'], history: [] },
    layers: scans.map((scan, index) => ({ index, digest: `sha256:${String(index).repeat(64)}`, source: `l${index}`, scan, createdBy: `step ${index}` })),
    errors: [],
    notes: [],
    final: new FinalView(scans),
  };
}

const ssh2 = '/usr/lib/node_modules/ssh2';
const stock = {
  [`${ssh2}/test/fixtures/id_rsa`]: rsaPem(),
  [`${ssh2}/test/fixtures/openssh_new_ed25519`]: opensshEd25519(11),
  [`${ssh2}/test/fixtures/keyParser/openssh_new_ed25519`]: opensshEd25519(12),
  '/usr/lib/python3.11/test/keycert.pem': rsaPem(),
  '/usr/lib/python3.11/test/ssl_key.pem': rsaPem(),
  '/usr/lib/python3.11/urllib/request.py': '        self.add_password = self.passwd.add_password\n',
  '/usr/sbin/adduser': "#!/usr/bin/perl\n  my $passwd = &which('passwd');\n",
};

describe('IM003 on stock content', () => {
  it('groups test fixtures per package at low, naming the package and the files', () => {
    const out = secretInFile.check(facts([stock]));
    expect(out).toHaveLength(2);
    const [ssh, py] = [...out].sort((a, b) => a.location!.path!.localeCompare(b.location!.path!));
    expect(ssh).toMatchObject({ severity: 'low', location: { path: ssh2, layer: { index: 0 } }, key: `${ssh2}|test-fixture|sha256:${'0'.repeat(64)}` });
    expect(ssh!.message).toMatch(/^Test fixture shipped by package ssh2: 3 secrets .* in 3 files under \/usr\/lib\/node_modules\/ssh2 \(test\/fixtures\/id_rsa, /);
    expect(py).toMatchObject({ severity: 'low', location: { path: '/usr/lib/python3.11' } });
    expect(py!.message).toMatch(/package python3\.11 standard library: 2 secrets/);
    // every file's redacted evidence, for an allowlist by path and hash; never the key
    expect(ssh!.evidence).toMatch(/test\/fixtures\/id_rsa: MII.…\[redacted \d+ chars, sha256:[0-9a-f]{8}\]/);
    expect(JSON.stringify(out)).not.toContain(rsaPem().split('\n')[2]);
  });

  it('one fixture finding per package and layer', () => {
    const out = secretInFile.check(facts([stock, { [`${ssh2}/test/fixtures/id_dsa`]: rsaPem() }]));
    expect(out.filter((f) => f.location?.path === ssh2).map((f) => f.location?.layer?.index)).toEqual([0, 1]);
  });

  it('reports SSH host keys with what they are and the fix', () => {
    const [f] = secretInFile.check(facts([{ '/etc/ssh/ssh_host_ed25519_key': opensshEd25519(5), '/etc/ssh/ssh_host_ed25519_key.pub': 'ssh-ed25519 AAAAC3Nza k@h\n' }]));
    expect(f?.severity).toBe('high');
    expect(f?.message).toMatch(/^SSH host private key generated when openssh-server was installed in \/etc\/ssh\/ssh_host_ed25519_key:1: every container of this image/);
    expect(f?.message).toMatch(/ssh-keygen -A/);
  });
});

describe('IM003 still finds every planted needle at full severity', () => {
  const needles: Array<[string, string, string, string]> = [
    ['/usr/lib/python3/dist-packages/app/settings.py', `AWS_ACCESS_KEY_ID = "${FAKE.awsKeyId}"\n`, 'high', 'AWS access key id'],
    ['/usr/lib/python3/dist-packages/app/settings.py', `AWS_SECRET_ACCESS_KEY = "${FAKE.awsSecret}"\n`, 'critical', 'AWS secret access key'],
    ['/srv/app/lib/deploy.js', `module.exports = { token: "${FAKE.github}" };\n`, 'high', 'GitHub token'],
    ['/home/app/.ssh/id_rsa', rsaPem(), 'critical', 'Private key (PEM)'],
    ['/srv/example.com/.env', `DB_PASSWORD=${FAKE.password}\n`, 'medium', 'Secret-looking value assigned to DB_PASSWORD'],
    ['/etc/app/settings.ini', `[db]\npassword = 7lMG${randomish(14, 51)}\n`, 'medium', 'Secret-looking value assigned to password'],
    ['/root/.npmrc', `//registry.npmjs.org/:_authToken=${randomish(36, 52)}\n`, 'high', '.npmrc registry credential'],
    ['/usr/lib/node_modules/app/config/prod.json', `{"db": "postgres://app:${randomish(18, 53)}@db:5432/app"}\n`, 'high', 'URL with embedded credentials'],
  ];
  it.each(needles)('%s', (path, text, severity, title) => {
    const out = secretInFile.check(facts([stock, { [path]: text }]));
    const hit = out.filter((f) => f.location?.path === path);
    expect(hit).toHaveLength(1);
    expect(hit[0]).toMatchObject({ severity, location: { layer: { index: 1 } } });
    expect(hit[0]!.message.startsWith(title)).toBe(true);
  });
});
