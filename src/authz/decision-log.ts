import { closeSync, existsSync, fstatSync, openSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { redact } from '../audit/secrets/redact.js';
import type { AuthzDecision, AuthzRequest } from './decide.js';

/** One line per decision in the log (docs/authz.md, "The log"). */
export interface DecisionLine {
  time: string;
  mode: 'enforce' | 'audit';
  user: string;
  method: string;
  uri: string;
  action: string;
  container?: string;
  image?: string;
  /** what dockerd was told */
  allow: boolean;
  /** in audit mode: what enforce would have said */
  wouldDeny?: boolean;
  ruleIds: string[];
  msg?: string;
  /** names with redacted values: an env value is never logged in full */
  env?: string[];
  exemptedBy?: AuthzDecision['exemptedBy'];
  expiredExemptions?: AuthzDecision['expired'];
  error?: string;
  /** time in the plugin from the first byte of the request to the decision */
  ms: number;
  /** of which receiving the rest of the request (the daemon's sending, and other requests the plugin served meanwhile) */
  readMs?: number;
}

/** Query parameters that carry secrets on the way to dockerd (build args, registry auth). */
const SECRET_QUERY = /^(buildargs|auth|registryauth)$/i;
/** the same names as they can appear in a raw query string (percent-encoded names included, so none slips past) */
const SECRET_QUERY_IN_URI = /(?:^|&)(?:buildargs|auth|registryauth|[^&=]*%)[^&=]*=/i;

/** The URI as logged: at most 512 characters, build args redacted. */
export function loggedUri(uri: string): string {
  const q = uri.indexOf('?');
  let out = uri;
  // most queries carry no secret: re-encode only those that do
  if (q >= 0 && SECRET_QUERY_IN_URI.test(uri.slice(q + 1))) {
    const params = new URLSearchParams(uri.slice(q + 1));
    for (const k of [...params.keys()]) if (SECRET_QUERY.test(k)) params.set(k, redact(params.get(k) ?? ''));
    out = `${uri.slice(0, q)}?${params.toString()}`;
  }
  return out.length > 512 ? `${out.slice(0, 512)}…` : out;
}

export function decisionLine(req: AuthzRequest, d: AuthzDecision | undefined, mode: 'enforce' | 'audit', ms: number, error?: string, readMs?: number): DecisionLine {
  const enforceAllow = d?.allow ?? false;
  const line: DecisionLine = {
    time: new Date().toISOString(),
    mode,
    user: req.user,
    method: req.method,
    uri: loggedUri(req.uri),
    action: d?.action ?? 'unknown',
    allow: mode === 'audit' ? true : enforceAllow,
    ruleIds: d?.ruleIds ?? [],
    ms: Math.round(ms * 1000) / 1000,
  };
  if (mode === 'audit') line.wouldDeny = !enforceAllow;
  if (d?.container !== undefined) line.container = d.container;
  if (d?.image !== undefined) line.image = d.image;
  if (d?.msg) line.msg = d.msg;
  if (d?.env?.length) line.env = d.env.map((e) => (e.value === '' ? e.name : `${e.name}=${redact(e.value)}`));
  if (d?.exemptedBy) line.exemptedBy = d.exemptedBy;
  if (d?.expired) line.expiredExemptions = d.expired;
  if (error !== undefined) line.error = error;
  if (readMs !== undefined) line.readMs = Math.round(readMs * 1000) / 1000;
  return line;
}

/**
 * Appends JSON lines to a file, rotating it at maxBytes (file -> file.1 -> ... -> file.N, the
 * oldest dropped). One small synchronous append per decision (~10 µs on a local disk), so lines
 * are never reordered or lost when the process is killed; a failing disk is reported on the
 * fallback stream and never blocks or fails a decision.
 */
export class DecisionLog {
  private fd: number | undefined;
  private size = 0;
  private failed = false;

  constructor(
    private readonly path: string | undefined,
    private readonly maxBytes: number,
    private readonly keep: number,
    private readonly fallback: NodeJS.WritableStream,
  ) {
    if (path !== undefined) this.open();
  }

  private open(): void {
    this.fd = openSync(this.path!, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    closeSync(this.fd!);
    for (let i = this.keep - 1; i >= 1; i--) {
      if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    }
    if (this.keep >= 1) renameSync(this.path!, `${this.path}.1`);
    else truncateSync(this.path!);
    this.open();
  }

  write(line: DecisionLine): void {
    const text = `${JSON.stringify(line)}\n`;
    if (this.path === undefined) {
      this.fallback.write(text);
      return;
    }
    try {
      const bytes = Buffer.byteLength(text);
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      writeSync(this.fd!, text);
      this.size += bytes;
      this.failed = false;
    } catch (err) {
      if (!this.failed) this.fallback.write(`bulkhead authz: cannot write the decision log ${this.path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      this.failed = true;
    }
  }

  close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    return Promise.resolve();
  }
}
