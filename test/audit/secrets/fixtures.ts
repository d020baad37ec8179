/**
 * Fake secrets for tests, assembled at runtime so the repository itself holds no
 * token-shaped literal (and our own scanners stay quiet on it).
 */
import { generateKeyPairSync } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Deterministic pseudo-random string over an alphabet. */
export function randomish(length: number, seed = 1, alphabet = ALNUM): string {
  let x = seed * 2654435761;
  let s = '';
  for (let i = 0; i < length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += alphabet[(x >> 7) % alphabet.length];
  }
  return s;
}

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

export const FAKE = {
  awsKeyId: 'AKIA' + randomish(16, 3, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
  awsSecret: randomish(40, 4),
  github: 'ghp' + '_' + randomish(36, 5),
  githubFine: 'github' + '_pat_' + randomish(22, 6) + '_' + randomish(59, 7),
  gitlab: 'glpat' + '-' + randomish(20, 8),
  slack: 'xoxb' + '-123456789012-1234567890123-' + randomish(24, 9),
  stripe: 'sk' + '_live_' + randomish(24, 10),
  npm: 'npm' + '_' + randomish(36, 11),
  googleApiKey: 'AI' + 'za' + randomish(35, 31, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'),
  pypi: 'pypi' + '-AgEIcHlwaS5vcmc' + randomish(60, 12),
  jwt: `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ sub: '1234567890', name: 'Jane' })}.${randomish(43, 13)}`,
  azure: randomish(86, 14) + '==',
  password: 'S3cure!' + randomish(10, 15),
  dockerAuth: Buffer.from('deploy:' + randomish(20, 16)).toString('base64'),
  kubeToken: randomish(48, 17),
  kubeKeyData: Buffer.from(randomish(120, 18)).toString('base64'),
};

let pem: string | undefined;
/** A real (throwaway) RSA private key in PKCS#1 PEM. */
export function rsaPem(): string {
  pem ??= generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  return pem;
}
export function pkcs8Pem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/**
 * An unencrypted OpenSSH ed25519 private key file (openssh-key-v1 layout, random key bytes):
 * its first base64 line is the same fixed header for every such key.
 */
export function opensshEd25519(seed: number): string {
  const str = (b: Buffer) => Buffer.concat([u32(b.length), b]);
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const bytes = (n: number, s: number) => Buffer.from(randomish(n, s, 'abcdefghijklmnopqrstuvwxyz0123456789'), 'latin1');
  const type = Buffer.from('ssh-ed25519');
  const pub = bytes(32, seed);
  const pubBlob = Buffer.concat([str(type), str(pub)]);
  const check = bytes(4, seed + 1);
  const priv = Buffer.concat([check, check, str(type), str(pub), str(Buffer.concat([bytes(32, seed + 2), pub])), str(Buffer.from('k@host')), Buffer.from([1, 2, 3])]);
  const blob = Buffer.concat([Buffer.from('openssh-key-v1\0'), str(Buffer.from('none')), str(Buffer.from('none')), str(Buffer.alloc(0)), u32(1), str(pubBlob), str(priv)]);
  const b64 = blob.toString('base64').replace(/.{70}/g, '$&\n');
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${b64.trimEnd()}\n-----END OPENSSH PRIVATE KEY-----\n`;
}
