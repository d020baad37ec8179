import { describe, expect, it } from 'vitest';
import { classifyAssignment, redact, scanText } from '../../../src/audit/secrets/index.js';
import { FAKE, pkcs8Pem, randomish, rsaPem } from './fixtures.js';

const kinds = (text: string, path?: string) => scanText(text, path === undefined ? {} : { path }).map((m) => m.kind);

describe('scanText finds', () => {
  const cases: Array<[string, string, string]> = [
    ['an RSA PEM key', rsaPem(), 'private-key'],
    ['a PKCS8 key', pkcs8Pem(), 'private-key'],
    ['an OpenSSH key', `-----BEGIN OPENSSH PRIVATE KEY-----\n${randomish(70, 21)}\n-----END OPENSSH PRIVATE KEY-----\n`, 'openssh-private-key'],
    ['a PuTTY key', `PuTTY-User-Key-File-2: ssh-rsa\nEncryption: none\nComment: k\nPublic-Lines: 1\nAAAA\nPrivate-Lines: 2\n${randomish(64, 22)}\n`, 'putty-private-key'],
    ['an AWS access key id', `aws_access_key_id = ${FAKE.awsKeyId}\n`, 'aws-access-key-id'],
    ['an AWS secret key in context', `aws_secret_access_key = ${FAKE.awsSecret}\n`, 'aws-secret-access-key'],
    ['a GCP service account', JSON.stringify({ type: 'service_account', private_key: rsaPem(), client_email: 'a@b.iam.gserviceaccount.com' }), 'gcp-service-account-key'],
    ['an Azure storage key', `DefaultEndpointsProtocol=https;AccountName=x;AccountKey=${FAKE.azure};EndpointSuffix=core.windows.net`, 'azure-storage-account-key'],
    ['a GitHub token', `export GH=${FAKE.github}`, 'github-token'],
    ['a GitHub fine-grained token', `t=${FAKE.githubFine}`, 'github-fine-grained-token'],
    ['a GitLab token', `${FAKE.gitlab}`, 'gitlab-token'],
    ['a Slack token', `SLACK=${FAKE.slack}`, 'slack-token'],
    ['a Stripe live key', `stripe.api_key = "${FAKE.stripe}"`, 'stripe-live-key'],
    ['an npm token', `${FAKE.npm}`, 'npm-token'],
    ['a Google API key in a script', `echo "key=${FAKE.googleApiKey}" > /etc/app.conf`, 'google-api-key'],
    ['a PyPI token', `password = ${FAKE.pypi}`, 'pypi-token'],
    ['a JWT', `Authorization: Bearer ${FAKE.jwt}`, 'jwt'],
    ['an .npmrc _authToken', `//registry.npmjs.org/:_authToken=${randomish(30, 23)}\n`, 'npmrc-auth-token'],
    ['docker config auths', JSON.stringify({ auths: { 'registry.example.com': { auth: FAKE.dockerAuth } } }), 'docker-config-auth'],
    ['a kubeconfig token', `users:\n- name: u\n  user:\n    token: ${FAKE.kubeToken}\n`, 'kubeconfig-token'],
    ['a kubeconfig client key', `    client-key-data: ${FAKE.kubeKeyData}\n`, 'kubeconfig-client-key'],
    ['git credentials', `https://alice:${randomish(16, 24)}@github.com\n`, 'url-credentials'],
    ['an .env password', `DB_PASSWORD=${FAKE.password}\n`, 'generic-secret'],
    ['a high-entropy api key', `api_key: "${randomish(32, 25)}"`, 'generic-secret'],
  ];
  it.each(cases)('%s', (_name, text, kind) => {
    expect(kinds(text)).toContain(kind);
  });

  it('a shell history by its name', () => {
    expect(kinds('ls\n', '/root/.bash_history')).toEqual(['shell-history']);
  });

  it('gives 1-based lines and never the secret', () => {
    const text = `a=1\nb=2\nexport GH=${FAKE.github}\n`;
    const [m] = scanText(text);
    expect(m?.line).toBe(3);
    expect(JSON.stringify(m)).not.toContain(FAKE.github);
    expect(m?.redacted).toBe(redact(FAKE.github));
  });
});

describe('scanText stays quiet on', () => {
  const cases: Array<[string, string]> = [
    ['a Slack placeholder', 'SLACK_TOKEN=xoxb-your-token-here'],
    ['AWS documentation keys', 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE'],
    ['a public key', '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----'],
    ['code reading a password', 'password = getpass()\nself.password = password\n'],
    ['a password file reference', 'DB_PASSWORD_FILE=/run/secrets/db\n'],
    ['variable references', 'token: ${GITHUB_TOKEN}\npassword=$DB_PASSWORD\n'],
    ['placeholders', 'password=changeme\napi_key=<your-api-key>\nsecret: xxxxxxxxxxxx\n'],
    ['a URL without credentials', 'see https://example.com/path?x=1'],
    ['an .npmrc env reference', '//registry.npmjs.org/:_authToken=${NPM_TOKEN}'],
    ['a JWT-shaped non-JWT', 'eyJhbGciOiJIUzI1NiJ9xxxx.eyJub3RqdXN0.abcdefghijklmnop'],
    ['low-entropy kubeconfig token', '    token: aaaaaaaaaaaaaaaaaaaaaaaaa\n'],
  ];
  it.each(cases)('%s', (_name, text) => {
    expect(kinds(text)).toEqual([]);
  });
});

describe('classifyAssignment', () => {
  const fires: Array<[string, string, string]> = [
    ['GITHUB_TOKEN', FAKE.github, 'github-token'],
    ['SOMETHING', FAKE.awsKeyId, 'aws-access-key-id'],
    ['DB_PASSWORD', FAKE.password, 'generic-secret'],
    ['apiKey', randomish(32, 31), 'generic-secret'],
    ['CLIENT_SECRET', randomish(24, 32), 'generic-secret'],
  ];
  it.each(fires)('fires for %s', (name, value, kind) => {
    const m = classifyAssignment(name, value);
    expect(m?.kind).toBe(kind);
    expect(JSON.stringify(m)).not.toContain(value);
  });

  const quiet: Array<[string, string]> = [
    ['DB_PASSWORD_FILE', '/run/secrets/db_password'],
    ['DB_PASSWORD', '/run/secrets/db_password'],
    ['DB_PASSWORD', '${DB_PASSWORD}'],
    ['DB_PASSWORD', ''],
    ['DB_PASSWORD', 'changeme'],
    ['API_TOKEN', 'your-token-here'],
    ['SLACK_TOKEN', 'xoxb-your-token-here'],
    ['API_KEY', '<token>'],
    ['API_KEY', 'xxx'],
    ['SECRET_KEY', 'example-secret-key-value'],
    ['PASSWORD', 'dummy-password'],
    ['PASSWORD', 'test1234'],
    ['TOKEN_TTL', '3600'],
    ['TOKEN_URL', 'https://auth.example.com/token'],
    ['PATH', '/usr/local/bin:/usr/bin'],
    ['PWD', '/app'],
    ['HOME', '/root'],
    ['SECRET', 'short'],
  ];
  it.each(quiet)('stays quiet for %s=%s', (name, value) => {
    expect(classifyAssignment(name, value)).toBeUndefined();
  });
});
