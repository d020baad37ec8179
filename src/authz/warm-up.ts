import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { warmUpPayloads } from './data/warm-up-requests.js';
import { startAuthzServer, type AuthzAnswer, type AuthzServerOptions } from './server.js';

export interface WarmUpResult {
  decisions: number;
  ms: number;
  /** the answers to the samples, in order (src/authz/data/warm-up-requests.ts) */
  answers: AuthzAnswer[];
}

const IN_FLIGHT = 8;

function post(socket: string, agent: Agent, payload: Buffer): Promise<AuthzAnswer> {
  return new Promise((resolve, reject) => {
    const r = request({ socketPath: socket, path: '/AuthZPlugin.AuthZReq', method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as AuthzAnswer));
    });
    r.on('error', reject);
    r.end(payload);
  });
}

/**
 * Sends sample requests (src/authz/data/warm-up-requests.ts) to a second, private instance of
 * the server (a socket in a fresh 0700 directory, no decision log), so that V8 optimises the
 * code every request runs: node's HTTP server, the envelope, the body checks, the rules and the
 * log line. Measured here (bench/authz.mjs): the first ~3,000 requests after a start cost 3 to 4
 * times the CPU of later ones and their p99 was over 2 ms; deciding samples without HTTP did
 * not help, since most of a request's time is outside decide(). Each sample is its own
 * request on the event loop, so dockerd's requests are served in between.
 */
export async function warmUp(options: Pick<AuthzServerOptions, 'mode' | 'context'>, decisions: number, signal?: AbortSignal): Promise<WarmUpResult> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-authz-warm-up-'));
  const socket = join(dir, 'warm-up.sock');
  const server = await startAuthzServer({ socket, mode: options.mode, context: options.context, log: { write: () => undefined } });
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const payloads = warmUpPayloads();
  const answers: AuthzAnswer[] = [];
  let next = 0;
  try {
    const worker = async () => {
      while (next < decisions && !signal?.aborted) {
        const i = next++;
        const answer = await post(socket, agent, payloads[i % payloads.length]!);
        if (i < payloads.length) answers[i] = answer;
      }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, decisions) }, worker));
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  return { decisions: next, ms: performance.now() - t0, answers };
}
