/**
 * Where a match is: format rules fire in any file; context rules (.npmrc syntax, URL
 * credentials, generic assignments) only in their context; package test fixtures are low.
 * The "quiet" lines are real lines from what distros and runtimes ship (CPython 3.11, pip,
 * urllib3, Debian's adduser, ssh2, @types/node, Node.js and pip docs, README/CHANGELOG examples).
 */
import { describe, expect, it } from 'vitest';
import { fileContext, redact, redactText, scanBytes, scanText, type SecretMatch } from '../../../src/audit/secrets/index.js';
import { FAKE, opensshEd25519, randomish, rsaPem } from './fixtures.js';

const scan = (path: string, text: string): SecretMatch[] => scanText(text, { path });
const found = (path: string, text: string) => scan(path, text).map((m) => `${m.kind}:${m.severity}`);

describe('format rules fire in any file, program source included', () => {
  const cases: Array<[string, string, string, string]> = [
    ['an AWS key id in a Python settings file', '/usr/lib/python3/dist-packages/app/settings.py', `AWS_ACCESS_KEY_ID = "${FAKE.awsKeyId}"\n`, 'aws-access-key-id:high'],
    ['an AWS secret in a Python settings file', '/usr/lib/python3/dist-packages/app/settings.py', `AWS_SECRET_ACCESS_KEY = "${FAKE.awsSecret}"\n`, 'aws-secret-access-key:critical'],
    ['a GitHub token in a .js file', '/app/src/deploy.js', `const token = "${FAKE.github}";\n`, 'github-token:high'],
    ['a Slack token in Go', '/src/bot/main.go', `var slack = "${FAKE.slack}"\n`, 'slack-token:high'],
    ['a Stripe key in PHP', '/var/www/html/pay.php', `$stripe = '${FAKE.stripe}';\n`, 'stripe-live-key:high'],
    ['a PEM key in a home directory', '/home/app/.ssh/id_rsa', rsaPem(), 'private-key:critical'],
    ['an OpenSSH key in a home directory', '/root/.ssh/id_ed25519', opensshEd25519(1), 'openssh-private-key:critical'],
    ['a kubeconfig client key in YAML', '/root/.kube/config', `users:\n- user:\n    client-key-data: ${FAKE.kubeKeyData}\n`, 'kubeconfig-client-key:critical'],
    ['a key in a site-packages module that is not a test', '/usr/lib/python3/dist-packages/app/keys.py', `KEY = """${rsaPem()}"""\n`, 'private-key:critical'],
  ];
  it.each(cases)('%s', (_n, path, text, expected) => {
    expect(found(path, text)).toContain(expected);
  });
});

describe('npmrc-auth-token: only in an npmrc or in npm config syntax', () => {
  const token = randomish(36, 41);
  const fires: Array<[string, string, string]> = [
    ['a registry-scoped token in .npmrc', '/root/.npmrc', `//registry.npmjs.org/:_authToken=${token}\n`],
    ['_auth at line start in .npmrc', '/home/node/.npmrc', `registry=https://npm.corp.example/\n_auth = ${Buffer.from('ci:' + token).toString('base64')}\n`],
    ['the global npmrc', '/usr/etc/npmrc', `_password=${Buffer.from(token).toString('base64')}\n`],
    ['npm syntax written by a shell script', '/usr/local/bin/setup.sh', `echo "//npm.pkg.github.com/:_authToken=${token}" > ~/.npmrc\n`],
    ['npm syntax at line start in a config file', '/app/config/npm.conf', `_authToken=${token}\n`],
  ];
  it.each(fires)('fires: %s', (_n, path, text) => {
    expect(found(path, text)).toContain('npmrc-auth-token:high');
  });
  const quiet: Array<[string, string, string]> = [
    ['urllib/request.py:964', '/usr/lib/python3.11/urllib/request.py', '        self.add_password = self.passwd.add_password\n'],
    ['urllib/request.py:1920', '/usr/lib/python3.11/urllib/request.py', "            proxy_auth = base64.b64encode(proxy_passwd.encode()).decode('ascii')\n"],
    ['pip network/auth.py', '/usr/lib/python3/dist-packages/pip/_internal/network/auth.py', '        url, netloc, url_user_password = split_auth_netloc_from_url(\n            netrc_auth = get_netrc_auth(original_url)\n'],
    ['urllib3 connection.py', '/usr/lib/python3/dist-packages/pip/_vendor/urllib3/connection.py', '        self.key_password = key_password\n'],
    ['urllib3 socks.py', '/usr/lib/python3/dist-packages/pip/_vendor/urllib3/contrib/socks.py', '                proxy_password=self._socks_options["password"],\n'],
    ['a module-level _password in Python', '/usr/lib/python3/dist-packages/svc/conf.py', '_password = load_password_from_keyring()\n'],
    ['ssh2 minified poly1305', '/usr/lib/node_modules/ssh2/lib/protocol/crypto/poly1305.js', 'b.___wasm_call_ctors=function(){return(b.___wasm_call_ctors=b.asm.c).apply(null,arguments)};b._poly1305_auth=function(){return(b._poly1305_auth=b.asm.d).apply(null,arguments)};\n'],
    ['ssh2 crypto.js', '/usr/lib/node_modules/ssh2/lib/protocol/crypto.js', '        poly1305_auth = POLY1305_WASM_MODULE.cwrap(\n'],
  ];
  it.each(quiet)('quiet: %s', (_n, path, text) => {
    expect(found(path, text).filter((k) => k.startsWith('npmrc'))).toEqual([]);
  });
});

describe('url-credentials: a literal password only, not documentation examples', () => {
  const pw = randomish(16, 42);
  const fires: Array<[string, string, string, string]> = [
    ['.git-credentials', '/root/.git-credentials', `https://alice:${pw}@github.com\n`, 'high'],
    ['a database URL literal in Python', '/srv/app/settings.py', `DATABASE_URL = "postgres://app:${pw}@db.internal:5432/app"\n`, 'high'],
    ['a broker URL in YAML', '/etc/app/config.yaml', `broker: amqp://svc:${pw}@rabbit:5672/\n`, 'high'],
    ['a real-looking credential in a README is still reported, low', '/opt/app/README.md', `git clone https://ci:${pw}@git.corp.io/app.git\n`, 'low'],
  ];
  it.each(fires)('fires: %s', (_n, path, text, severity) => {
    expect(found(path, text)).toContain(`url-credentials:${severity}`);
  });
  const quiet: Array<[string, string, string]> = [
    ['@types/node http.d.ts doc comment', '/usr/lib/node_modules/@types/node/http.d.ts', "     * const options = new URL('http://abc:xyz@example.com');\n"],
    ['Node.js url.md', '/usr/share/doc/nodejs/api/url.md', '// Prints https://abc:123@example.com/\n'],
    ['Go net/url tests (a fixture, low)', '/usr/share/go-1.19/src/net/url/url_test.go', '\t\t"http://jane:p%40ssword@google.com",\n\t_, err := Parse("http://user^:passwo^rd@foo.com/")\n'],
    ['url test.js', '/app/node_modules/url/test.js', "  ['http://diff:auth@www.example.com',\n   'http://asdf:qwer@www.example.com',\n"],
    ['a printf format', '/usr/lib/python3/dist-packages/tool/net.py', "url = 'http://%s:%s@%s/' % (user, pw, host)\n"],
    ['a str.format template', '/srv/app/db.py', 'url = "https://{user}:{password}@{host}/"\n'],
    ['a shell variable', '/usr/local/bin/fetch.sh', 'curl "https://${USER}:${PASS}@repo.corp.io/x"\n'],
    ['concatenation in single quotes', '/srv/app/a.js', "const u = 'http://' + user + ':' + pw + '@' + host;\n"],
    ['concatenation in double quotes', '/srv/app/a.java', 'String u = "http://user:"+pass+"@host";\n'],
    ['a variable name as password', '/srv/app/conn.rb', 'URL = "redis://admin:PASSWORD@cache:6379"\n'],
    ['README user:pass', '/opt/x/README', 'proxy = http://user:pass@proxy.corp:3128\n'],
    ['README username:password', '/opt/x/docs/setup.txt', 'mongodb://username:password@localhost:27017/db\n'],
    ['README user:password', '/opt/x/INSTALL', 'postgres://user:password@db:5432/app\n'],
    ['README foo:bar', '/opt/x/NOTES', 'http://foo:bar@proxy:8080\n'],
    ['a percent-encoded example on an example host', '/app/node_modules/url/README.md', "'http://atpass:foo%40bar@127.0.0.1:8080/path' ... https://user:p%40ss@example.org\n"],
  ];
  it.each(quiet)('quiet: %s', (_n, path, text) => {
    expect(found(path, text).filter((k) => k.startsWith('url-credentials') && !k.endsWith(':low'))).toEqual([]);
  });
  it('pip authentication.md example: reported low (documentation), not high', () => {
    expect(found('/usr/share/doc/python3-pip/html/topics/authentication.md', 'https://user:he%2F%2Fo@pypi.company.com/simple\n')).toEqual(['url-credentials:low']);
  });
});

describe('generic-secret: a secret-looking value; low in program source', () => {
  const strong = 'S3cure!' + randomish(10, 43);
  const fires: Array<[string, string, string, string]> = [
    ['an .env under /srv/example.com', '/srv/example.com/.env', `DB_PASSWORD=${strong}\n`, 'medium'],
    ['an .ini password', '/etc/app/settings.ini', `[db]\npassword = 7lMG${randomish(12, 44)}\n`, 'medium'],
    ['a YAML api key', '/etc/app/config.yml', `api_key: "${randomish(32, 45)}"\n`, 'medium'],
    ['a .properties secret', '/opt/app/application.properties', `client.secret=${randomish(24, 46)}\n`, 'medium'],
    ['a quoted literal in Python is low', '/srv/app/settings.py', `DB_PASSWORD = "${strong}"\n`, 'low'],
    ['an unquoted literal in a shell script is low', '/usr/local/bin/start.sh', `export DB_PASSWORD=${strong}\n`, 'low'],
    ['a literal in a shebang script without extension is low', '/usr/local/bin/start', `#!/bin/sh\nAPI_TOKEN=Zx9${randomish(24, 47)}\n`, 'low'],
  ];
  it.each(fires)('fires: %s', (_n, path, text, severity) => {
    expect(found(path, text)).toContain(`generic-secret:${severity}`);
  });
  const quiet: Array<[string, string, string]> = [
    ['adduser (perl, no extension)', '/usr/sbin/adduser', "#!/usr/bin/perl\n  my $passwd = &which('passwd');\n  my $gpasswd = &which('gpasswd');\n"],
    ['tokenize.py', '/usr/lib/python3.11/tokenize.py', "                comment_token = line[pos:].rstrip('\\r\\n')\n                token = line[start:pos]\n"],
    ['nntplib.py', '/usr/lib/python3.11/nntplib.py', '                password = auth[2]\n'],
    ['distutils register.py', '/usr/lib/python3.11/distutils/command/register.py', "            self.password = config['password']\n"],
    ['urllib/request.py auth cache', '/usr/lib/python3.11/urllib/request.py', '        if user or passwd: self.auth_cache[key] = (user, passwd)\n'],
    ['yaml scanner.py', '/usr/lib/python3/dist-packages/yaml/scanner.py', '        token_number = self.tokens_taken+len(self.tokens)\n'],
    ['perl HTTP::Tiny', '/usr/share/perl/5.36.0/HTTP/Tiny.pm', 'my $Token = qr/[\\x21\\x23-\\x27\\x2A\\x2B\\x2D\\x2E\\x30-\\x39\\x41-\\x5A\\x5E-\\x7A\\x7C\\x7E]/;\n'],
    ['aws-sdk d.ts type', '/app/node_modules/aws-sdk/clients/iot.d.ts', '  export type MqttPassword = Buffer|Uint8Array|Blob|string;\n'],
    ['axios withCredentials', '/app/node_modules/axios/lib/adapters/xhr.js', '    request.withCredentials = !!_config.withCredentials;\n'],
    ['a JSON paginator expression', '/app/node_modules/aws-sdk/apis/kinesis.paginators.json', '      "output_token": "StreamDescription.Shards[-1].ShardId",\n'],
    ['an ARN', '/etc/app/dms.json', '  "SecretsManagerAccessRoleArn": "arn:aws:iam::012345678901:role/my-access-role",\n'],
    ['a pagination token', '/etc/app/page.json', '  "NextToken": "AQICAHjOiFofVZCZ0aEN1VnF1m9jq/xxpTY7MyPexz72BHuAkgETVS8c"\n'],
    ['an AWS documentation key', '/etc/app/iam.json', '  "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"\n'],
    ['None in Python', '/srv/app/settings.py', 'SECRET_KEY = None\n'],
    ['a format string', '/srv/app/cfg.ini', 'password = %(db_password)s\n'],
    ['a file path', '/etc/app/app.conf', 'ssl_private_key = /etc/ssl/private/app.key\n'],
    ['postgresql.conf (a hash algorithm)', '/etc/postgresql/15/main/postgresql.conf', '#password_encryption = scram-sha-256\t# scram-sha-256 or md5\n'],
    ['management.properties (a list of choices)', '/etc/java-17-openjdk/management/management.properties', '# com.sun.management.jmxremote.password.toHashes = true|false\n'],
    ['a C call', '/usr/share/doc/git/contrib/credential/wincred/git-credential-wincred.c', '\t\t\tpassword = utf8_to_utf16_dup(v);\n'],
  ];
  it.each(quiet)('quiet: %s', (_n, path, text) => {
    expect(found(path, text)).toEqual([]);
  });
  it('README examples are low at most', () => {
    const ms = scan('/app/node_modules/axios/README.md', "  auth: {\n    username: 'janedoe',\n    password: 's00pers3cret'\n  }\n");
    expect(ms.every((m) => m.severity === 'low')).toBe(true);
  });
  it('without a path (Dockerfile text, history) assignments keep the config severity', () => {
    expect(scanText(`DB_PASSWORD=${strong}\n`).map((m) => m.severity)).toEqual(['medium']);
  });
});

describe('test fixtures shipped by packages', () => {
  const key = rsaPem();
  it.each([
    ['/usr/lib/python3.11/test/keycert.pem', 'python3.11 standard library', '/usr/lib/python3.11'],
    ['/usr/lib/node_modules/ssh2/test/fixtures/id_rsa', 'ssh2', '/usr/lib/node_modules/ssh2'],
    ['/app/node_modules/node-forge/tests/unit/x509.js', 'node-forge', '/app/node_modules/node-forge'],
    ['/app/node_modules/@scope/pkg/fixtures/key.pem', '@scope/pkg', '/app/node_modules/@scope/pkg'],
    ['/usr/lib/python3/dist-packages/cryptography/hazmat/tests/key.pem', 'cryptography', '/usr/lib/python3/dist-packages/cryptography'],
    ['/usr/share/doc/libxmlsec1-dev/examples/rsakey.pem', 'libxmlsec1-dev', '/usr/share/doc/libxmlsec1-dev'],
    ['/usr/lib/go-1.19/src/crypto/tls/testdata/example-key.pem', 'go-1.19 standard library', '/usr/lib/go-1.19'],
    ['/usr/share/go-1.19/src/crypto/tls/example_test.go', 'go-1.19 standard library', '/usr/share/go-1.19'],
  ])('%s is low, marked as a fixture of its package', (path, pkg, dir) => {
    const [m] = scan(path, key);
    expect(m).toMatchObject({ kind: 'private-key', severity: 'low', fixture: { package: pkg, dir } });
  });
  it.each([
    ['/usr/lib/python3/dist-packages/app/settings.py'],
    ['/home/app/.ssh/id_rsa'],
    ['/app/test/key.pem'],
    ['/srv/example.com/.env'],
    ['/usr/lib/node_modules/mytool/lib/key.pem'],
    ['/opt/tests/id_rsa'],
  ])('no blanket skip: %s keeps full severity', (path) => {
    expect(scan(path, key)).toMatchObject([{ kind: 'private-key', severity: 'critical' }]);
    expect(scan(path, key)[0]?.fixture).toBeUndefined();
  });
});

describe('SSH host keys', () => {
  it('are reported with what they are and the fix', () => {
    const [m] = scan('/etc/ssh/ssh_host_ed25519_key', opensshEd25519(7));
    expect(m?.severity).toBe('high');
    expect(m?.title).toMatch(/host private key generated when openssh-server was installed/);
    expect(m?.note).toMatch(/every container of this image/);
    expect(m?.note).toMatch(/ssh-keygen -A/);
  });
  it('the ssl-cert snakeoil key likewise', () => {
    const [m] = scan('/etc/ssl/private/ssl-cert-snakeoil.key', rsaPem());
    expect(m).toMatchObject({ kind: 'private-key', severity: 'high', title: 'TLS "snakeoil" private key generated when ssl-cert was installed' });
    expect(m?.note).toMatch(/make-ssl-cert generate-default-snakeoil/);
  });
  it('a host-key-named file elsewhere is an ordinary private key', () => {
    expect(scan('/home/app/ssh_host_rsa_key', rsaPem())[0]).toMatchObject({ severity: 'critical', title: 'Private key (PEM)' });
  });
});

describe('redacted evidence of key material', () => {
  it('two OpenSSH keys with the same fixed header get different evidence', () => {
    const a = opensshEd25519(1);
    const b = opensshEd25519(2);
    const firstLine = (k: string) => k.split('\n')[1]!;
    expect(firstLine(a)).toBe(firstLine(b)); // the header the old hash covered
    const [ma] = scan('/root/.ssh/id_ed25519', a);
    const [mb] = scan('/home/u/.ssh/id_ed25519', b);
    expect(ma?.redacted).not.toBe(mb?.redacted);
    expect(ma?.redacted.startsWith('b3Bl…')).toBe(true);
    const body = a.split('\n').slice(1, -2).join('');
    expect(ma?.redacted).toBe(redact(body));
  });
  it('redactText hides the whole key body, not only its first line', () => {
    const key = opensshEd25519(4);
    const out = redactText(`echo '${key}' > /root/.ssh/id_ed25519`);
    for (const line of key.split('\n').slice(1, -2)) expect(out).not.toContain(line);
    expect(out).toContain('-----END OPENSSH PRIVATE KEY-----');
  });
  it('the same key gives the same evidence in a file and in a literal-\\n string', () => {
    const key = rsaPem();
    const inFile = scan('/a/key.pem', key)[0]!;
    const inJson = scan('/a/k.json', JSON.stringify({ key }))[0]!;
    expect(inJson.redacted).toBe(inFile.redacted);
  });
  it('chunked scanning (no line numbers) gives the same evidence and context', () => {
    const text = `x=1\n${opensshEd25519(3)}`;
    const whole = scan('/usr/lib/node_modules/ssh2/test/fixtures/k', text)[0]!;
    const chunk = scanBytes(Buffer.from(text, 'latin1'), { path: '/usr/lib/node_modules/ssh2/test/fixtures/k' })[0]!;
    expect(chunk).toMatchObject({ redacted: whole.redacted, severity: 'low', fixture: { package: 'ssh2' } });
  });
});

describe('fileContext', () => {
  it.each([
    ['/usr/lib/python3.11/tokenize.py', undefined, 'source'],
    ['/usr/lib/node_modules/@types/node/http.d.ts', undefined, 'source'],
    ['/usr/sbin/adduser', '#!/usr/bin/perl', 'source'],
    ['/usr/sbin/adduser', undefined, 'config'],
    ['/srv/example.com/.env', undefined, 'config'],
    ['/etc/app/settings.ini', undefined, 'config'],
    ['/root/.kube/config', undefined, 'config'],
    ['/usr/share/doc/nodejs/api/url.md', undefined, 'doc'],
    ['/usr/share/doc/npm/docs/npmrc.md', undefined, 'doc'],
    ['/usr/share/man/man1/ssh.1', undefined, 'doc'],
    ['/opt/x/CHANGELOG', undefined, 'doc'],
  ] as const)('%s (%s) is %s', (path, shebang, cls) => {
    expect(fileContext(path, shebang).class).toBe(cls);
  });
  it('shell scripts by extension or shebang', () => {
    expect(fileContext('/a/run.sh').shell).toBe(true);
    expect(fileContext('/usr/local/bin/entry', '#!/usr/bin/env bash').shell).toBe(true);
    expect(fileContext('/usr/local/bin/entry', '#!/bin/sh -e').shell).toBe(true);
    expect(fileContext('/usr/sbin/adduser', '#!/usr/bin/perl').shell).toBe(false);
  });
  it('npmrc by name only', () => {
    expect(fileContext('/root/.npmrc').npmrc).toBe(true);
    expect(fileContext('/usr/etc/npmrc').npmrc).toBe(true);
    expect(fileContext('/usr/share/doc/npm/npmrc.md').npmrc).toBe(false);
  });
});
