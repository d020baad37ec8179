import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { BulkheadError } from '../errors.js';
import { decide, type AuthzContext, type AuthzDecision, type AuthzRequest } from './decide.js';
import { decisionLine, type DecisionLine } from './decision-log.js';
import { BODY_LIMITS } from './untrusted-json.js';

/** dockerd's plugin request: the body as base64 (4/3 of at most 1 MiB) plus headers and the URI. */
const MAX_PLUGIN_REQUEST = 4 * BODY_LIMITS.maxBytes;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** What dockerd gets back (moby pkg/authorization/api.go ResponseBody). */
export interface AuthzAnswer {
  Allow: boolean;
  Msg?: string;
}

export interface AuthzServerOptions {
  socket: string;
  mode: 'enforce' | 'audit';
  context: () => AuthzContext;
  log: DecisionSink;
}

/** The AuthZReq JSON (moby pkg/authorization/api.go) -> AuthzRequest; a string saying what is wrong otherwise. */
export function pluginRequest(raw: unknown): AuthzRequest | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'plugin request is not a JSON object';
  const r = raw as Record<string, unknown>;
  const str = (k: string): string | undefined => (typeof r[k] === 'string' ? (r[k] as string) : undefined);
  const uri = str('RequestUri') ?? str('RequestURI');
  const method = str('RequestMethod');
  if (uri === undefined || method === undefined) return 'plugin request has no RequestMethod or RequestUri';
  let body: Uint8Array | undefined;
  const b = r.RequestBody;
  if (typeof b === 'string') {
    if (!BASE64.test(b)) return 'RequestBody is not base64';
    body = Buffer.from(b, 'base64');
  } else if (b !== undefined && b !== null) return 'RequestBody is not base64 text';
  const headers: Record<string, string> = {};
  if (r.RequestHeaders !== null && typeof r.RequestHeaders === 'object' && !Array.isArray(r.RequestHeaders)) {
    for (const [k, v] of Object.entries(r.RequestHeaders as Record<string, unknown>)) if (typeof v === 'string') headers[k] = v;
  }
  return { user: str('User') ?? '', method, uri, body, headers };
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': 'application/vnd.docker.plugins.v1.2+json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readAll(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    // one chunk is the usual plugin request: no copy
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Whether something answers on a unix socket (another `serve` still running). */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    c.once('connect', () => (c.destroy(), resolve(true)));
    c.once('error', () => resolve(false));
  });
}

/** Where a decision's log line goes: the decision log, or nowhere (the warm-up). */
export interface DecisionSink {
  write(line: DecisionLine): void;
}

/**
 * The answer to one AuthZReq, from the plugin request's bytes (undefined: over the size cap).
 * Synchronous from the bytes to the log line, so no other request runs in between; whatever
 * goes wrong is a deny, never an allow.
 */
function answerAuthzReq(
  bytes: Buffer | undefined,
  timing: { started: number; readMs: number },
  options: Pick<AuthzServerOptions, 'mode' | 'context'>,
  log: DecisionSink,
): AuthzAnswer {
  const { started, readMs } = timing;
  const deny = (why: string, logged: AuthzRequest = { user: '', method: '?', uri: '?', body: undefined, headers: {} }): AuthzAnswer => {
    log.write(decisionLine(logged, undefined, options.mode, performance.now() - started, why, readMs));
    // a malformed plugin request is dockerd's bug or an attack: deny in both modes
    return { Allow: false, Msg: `bulkhead: ${why}` };
  };
  if (!bytes) return deny(`plugin request over ${MAX_PLUGIN_REQUEST} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    return deny('plugin request is not JSON');
  }
  const request = pluginRequest(raw);
  if (typeof request === 'string') return deny(request);
  let decision: AuthzDecision;
  try {
    decision = decide(request, options.context());
  } catch (err) {
    return deny(`internal error while deciding (${err instanceof Error ? err.message : String(err)}); denied`, request);
  }
  log.write(decisionLine(request, decision, options.mode, performance.now() - started, undefined, readMs));
  if (options.mode === 'audit' || decision.allow) return { Allow: true };
  return { Allow: false, Msg: decision.msg };
}

/**
 * Serves the AuthZ plugin protocol over a unix socket: Plugin.Activate, AuthZPlugin.AuthZReq
 * (the decision) and AuthZPlugin.AuthZRes (responses are not filtered: always allowed).
 * Whatever goes wrong while deciding is a deny, never an allow.
 */
export async function startAuthzServer(options: AuthzServerOptions): Promise<Server> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '';
    if (req.method !== 'POST') return send(res, 405, { Err: 'POST only' });
    if (url === '/Plugin.Activate') return send(res, 200, { Implements: ['authz'] });
    if (url === '/AuthZPlugin.AuthZRes') return send(res, 200, { Allow: true });
    if (url !== '/AuthZPlugin.AuthZReq') return send(res, 404, { Err: `unknown endpoint ${url.slice(0, 100)}` });
    const started = performance.now();
    const bytes = await readAll(req, MAX_PLUGIN_REQUEST);
    send(res, 200, answerAuthzReq(bytes, { started, readMs: performance.now() - started }, options, options.log));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 200, { Allow: false, Msg: `bulkhead: ${err instanceof Error ? err.message : String(err)}` });
    });
  });
  // dockerd keeps one connection per plugin; no request of ours should outlive a few seconds
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;

  if (existsSync(options.socket)) {
    if (!lstatSync(options.socket).isSocket()) throw new BulkheadError('usage', `--socket ${options.socket}: exists and is not a socket`);
    if (await answers(options.socket)) throw new BulkheadError('usage', `--socket ${options.socket}: another plugin instance is listening on it`);
    // left behind by a killed instance
    unlinkSync(options.socket);
  }
  return new Promise((resolve, reject) => {
    // created 0600 from the start (umask), so there is no moment another user can connect
    const oldMask = process.umask(0o177);
    server.once('error', (err) => {
      process.umask(oldMask);
      reject(new BulkheadError('usage', `--socket ${options.socket}: cannot listen (${(err as NodeJS.ErrnoException).code ?? err.message})`));
    });
    server.listen(options.socket, () => {
      process.umask(oldMask);
      chmodSync(options.socket, 0o600);
      resolve(server);
    });
  });
}
