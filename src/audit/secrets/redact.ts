import { createHash } from 'node:crypto';

/**
 * The only form in which a secret may leave the scanner: a short prefix, the length and a
 * short hash (so two reports can be compared without either showing the secret).
 * Short values show no prefix at all.
 */
export function redact(secret: string): string {
  const hash = createHash('sha256').update(secret).digest('hex').slice(0, 8);
  const prefixLen = secret.length >= 16 ? 4 : secret.length >= 10 ? 2 : 0;
  const prefix = secret.slice(0, prefixLen);
  return `${prefix}${prefixLen ? '…' : ''}[redacted ${secret.length} chars, sha256:${hash}]`;
}
