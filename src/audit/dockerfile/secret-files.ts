import { redact, scanText } from '../secrets/index.js';
import { sourcesOf } from '../rules/dockerfile/add-url-without-checksum.js';
import { flag, type ContextFile, type DockerfileFacts } from './facts.js';

/**
 * Which build-context files look like credentials by name, and what their content says.
 * Shared by the context reader (read.ts: which files a `COPY .` would send) and the rules
 * (DF015, DF031). A name only makes a file worth reading: its content decides (a
 * `jenkins.io-2026.key` that holds a PGP public key is not a secret).
 */

/** File names (last path segment, or a tail like .docker/config.json) that hold credentials. */
export const SECRET_FILE_NAMES: readonly RegExp[] = [
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)$/i,
  /\.(pem|key|p12|pfx|jks|keystore)$/i,
  /(^|\/)\.env(\.[\w-]+)?$/i,
  /(^|\/)\.(npmrc|pypirc|netrc|git-credentials|pgpass)$/i,
  /(^|\/)credentials(\.json)?$/i,
  /(^|\/)kubeconfig$|(^|\/)\.kube\/config$/i,
  /(^|\/)\.docker\/config\.json$/i,
  /(^|\/)\.aws\/(credentials|config)$/i,
  /(^|\/)\.git\/config$/i,
  /(^|\/)\.ssh(\/|$)/i,
];

/** Names of public halves and templates: not secrets when the content cannot be read. */
export const PUBLIC_FILE_NAME = /\.pub$|(^|\/)\.env\.(example|sample|template|dist)$|(^|\/)(ca|ca-certificates|cacert|fullchain|chain|cert)\.pem$|\.crt$/i;

export function isSecretFileName(path: string): boolean {
  return SECRET_FILE_NAMES.some((re) => re.test(path));
}

/** Binary containers that hold private keys by design (PKCS#12). */
const PRIVATE_KEY_STORE = /\.(p12|pfx)$/i;
const PRIVATE_KEY_BLOCK = /-----BEGIN ((RSA|DSA|EC|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----|-----BEGIN PGP PRIVATE KEY BLOCK-----/;
const PUBLIC_MATERIAL = /-----BEGIN (CERTIFICATE|PUBLIC KEY|RSA PUBLIC KEY|PGP PUBLIC KEY BLOCK|X509 CRL|CERTIFICATE REQUEST)-----|^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp\d+) AAAA/m;

/** What a file's bytes say (the first MAX_CONTENT_BYTES of them are read by the caller). */
export function classifyContent(path: string, bytes: Buffer): Omit<ContextFile, 'path'> {
  if (bytes.length === 0) return { verdict: 'clean', what: 'empty file' };
  if (bytes.subarray(0, 8192).includes(0)) {
    if (PRIVATE_KEY_STORE.test(path)) return { verdict: 'secret', what: 'PKCS#12 key store (holds private keys)', evidence: redact(bytes.toString('base64').slice(0, 256)) };
    return { verdict: 'unknown', what: 'binary content' };
  }
  const text = bytes.toString('utf8');
  // the shared detector knows token formats, PEM/OpenSSH keys, .npmrc and URL credentials
  const found = scanText(text, { path }).filter((m) => m.severity === 'critical' || m.severity === 'high' || m.severity === 'medium');
  if (found[0]) return { verdict: 'secret', what: found[0].title, evidence: found[0].redacted };
  const block = PRIVATE_KEY_BLOCK.exec(text);
  if (block) return { verdict: 'secret', what: 'private key block', evidence: redact(text.slice(block.index, block.index + 512)) };
  if (PUBLIC_MATERIAL.test(text)) return { verdict: 'public', what: 'public key or certificate' };
  return { verdict: 'clean', what: 'no secret found in its content' };
}

/** Largest prefix of a file read for the content check: keys and config files are far smaller. */
export const MAX_CONTENT_BYTES = 256 * 1024;

/** `COPY .`, `COPY ./`, `COPY *`: the whole build context. */
export const WHOLE_CONTEXT = /^(\.|\.\/|\*|\.\/\*)$/;

/**
 * A COPY/ADD source as a path relative to the context (COPY resolves `/x` and `./x` inside
 * the context), or undefined when it cannot name one file: a URL, a glob, a $VARIABLE.
 */
export function contextPath(source: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(source) || /[*?[$]/.test(source)) return undefined;
  const p = source.replace(/^(\.?\/)+/, '').replace(/\/+$/, '').replace(/\/\.\//g, '/');
  return p === '' || p === '.' || p.split('/').includes('..') ? undefined : p;
}

/** COPY/ADD sources from the build context (not --from a stage or image): what the reader must look at. */
export function contextSources(facts: DockerfileFacts): { wholeContext: boolean; sources: string[]; otherSources: string[] } {
  let wholeContext = false;
  const sources = new Set<string>();
  const otherSources = new Set<string>();
  for (const instr of facts.instructions) {
    if ((instr.keyword !== 'COPY' && instr.keyword !== 'ADD') || flag(instr, 'from')) continue;
    for (const src of sourcesOf(instr)) {
      if (WHOLE_CONTEXT.test(src)) wholeContext = true;
      const p = contextPath(src);
      if (p !== undefined && (isSecretFileName(p) || PUBLIC_FILE_NAME.test(p))) sources.add(p);
      else if (p !== undefined && !WHOLE_CONTEXT.test(src)) otherSources.add(p);
    }
  }
  return { wholeContext, sources: [...sources], otherSources: [...otherSources] };
}
