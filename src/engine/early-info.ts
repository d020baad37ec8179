import type * as Http from 'node:http';
import { createRequire } from 'node:module';
import { discoverEngine } from './endpoint.js';

// node:http on first use: the entry that bundles this module also answers --version (~6 ms to load)
const requireBuiltin = createRequire(import.meta.url);

/**
 * GET /info, sent by the CLI's entry (scripts/bundle-entry.ts) before it loads the run bundle,
 * for a `bulkhead run` whose built-in policy asks for a sandbox: the engine takes ~25 ms to
 * answer it here, and the run reads its runtimes (src/engine/runtimes.ts) only after loading
 * the bundle, the engine client and the policy. Sent early, the answer is in by then. It is
 * the engine's own answer, taken once by the client of the same unix socket; whatever goes
 * wrong (no socket, an error, a timeout) only means the client asks itself, as it would have.
 */

interface EarlyInfo {
  socketPath: string;
  info: Promise<Record<string, unknown> | undefined>;
  /** from now on the request keeps the process alive: someone waits for it */
  awaited(): void;
}

// on globalThis: the entry and the run bundle are separate bundles, each with its own copy of this module
const KEY = Symbol.for('bulkhead.early-engine-info');
const registry = globalThis as { [KEY]?: EarlyInfo };

/** The value of `--policy` on a `run` command line (before `--`), if any. */
export function policyArgument(argv: readonly string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return undefined;
    if (a === '--policy') return argv[i + 1];
    if (a.startsWith('--policy=')) return a.slice('--policy='.length);
  }
  return undefined;
}

/**
 * Sends GET /info to the engine the run will use, when that is a unix socket. Resolves once the
 * request is written: node connects and writes on the event loop, which the synchronous load of
 * the run bundle would otherwise hold up (~15-20 ms here, mostly node compiling its HTTP client,
 * which the run needs anyway). Never throws.
 */
export function sendEarlyInfo(env: Record<string, string | undefined>, timeoutMs = 5_000): Promise<void> {
  let socketPath: string | undefined;
  try {
    socketPath = discoverEngine(env.DOCKER_HOST || undefined, env).socketPath;
  } catch {
    return Promise.resolve();
  }
  if (socketPath === undefined) return Promise.resolve();
  const { request } = requireBuiltin('node:http') as typeof Http;
  let socket: { ref(): unknown; unref(): unknown } | undefined;
  let awaited = false;
  let written: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => {
    written = resolve;
    // node compiles its HTTP client on first use (~15 ms here): wait for the write, within reason
    setTimeout(resolve, 50).unref();
  });
  const info = new Promise<Record<string, unknown> | undefined>((resolve) => {
    const req = request({ socketPath, path: '/info', method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', () => resolve(undefined));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          resolve(res.statusCode === 200 && body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    // not what keeps the process alive until the run waits for it: a run that fails early exits
    req.on('socket', (s) => {
      socket = s;
      if (!awaited) s.unref();
    });
    req.setTimeout(timeoutMs, () => req.destroy());
    req.on('error', () => (resolve(undefined), written()));
    req.on('finish', () => written());
    req.end();
  });
  registry[KEY] = {
    socketPath,
    info,
    awaited: () => {
      awaited = true;
      socket?.ref();
    },
  };
  return sent;
}

/** The early answer for this socket, once (undefined: none was sent, or it failed). */
export function takeEarlyInfo(socketPath: string | undefined): Promise<Record<string, unknown> | undefined> | undefined {
  const early = registry[KEY];
  if (!early || early.socketPath !== socketPath) return undefined;
  delete registry[KEY];
  early.awaited();
  return early.info;
}
