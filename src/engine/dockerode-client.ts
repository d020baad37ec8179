import type { Readable } from 'node:stream';
import { inspect } from 'node:util';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, get as httpGet, type AgentOptions } from 'node:http';
import type Dockerode from 'dockerode';
import {
  DockerApiError,
  type AttachedStreams,
  type ContainerChange,
  type ContainerCreateOptions,
  type ContainerTop,
  type EngineClient,
  type EngineVersion,
  type NetworkSummary,
  type ContainerStatsSample,
  type PullOptions,
  type PullProgress,
} from './client.js';
import { discoverEngine, type EngineEndpoint } from './endpoint.js';
import { takeEarlyInfo } from './early-info.js';

/** The newest Engine API version this code is written against; older engines are negotiated down. */
export const MAX_API_VERSION = '1.45';
/** Older than this lacks fields we rely on (e.g. PidsLimit, Init). */
export const MIN_API_VERSION = '1.40';

interface RawEngineError {
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
  code?: string;
  reason?: string;
}

function engineMessage(err: unknown): string {
  const e = err as RawEngineError;
  const fromJson = e.json && typeof e.json === 'object' ? e.json.message : undefined;
  const raw = fromJson ?? e.message ?? String(err);
  // docker-modem prefixes "(HTTP code 404) no such image - "; keep the engine's own words.
  return raw.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
}

export function wrapEngineError(operation: string, endpoint: string, err: unknown): DockerApiError {
  const e = err as RawEngineError;
  if (typeof e?.statusCode === 'number') {
    return new DockerApiError(operation, e.statusCode, `${operation}: ${engineMessage(err)} (HTTP ${e.statusCode})`, err);
  }
  const code = e?.code ? ` (${e.code})` : '';
  return new DockerApiError(operation, undefined, `cannot reach the Docker engine at ${endpoint}${code}: ${e?.message ?? String(err)}`, err);
}

function compareApi(a: string, b: string): number {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/** min(engine's API version, ours): never ask an old engine for a newer API. */
export function negotiateApiVersion(engineApi: string): string {
  return compareApi(engineApi, MAX_API_VERSION) < 0 ? engineApi : MAX_API_VERSION;
}

/**
 * docker-modem formats every request's options with util.inspect (showHidden, unlimited depth)
 * for its debug log, even when the log is off: without this, each request walks the whole agent,
 * its sockets and their handles (~5-20 ms per request).
 */
class UnixSocketAgent extends HttpAgent {
  [inspect.custom](): string {
    return 'UnixSocketAgent';
  }
}

/** GET /_ping's Api-Version header (undefined when absent), over a unix socket. */
function pingApiVersion(socketPath: string, agent: HttpAgent | undefined, timeout: number | undefined): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    // the modem's agent: the connection is reused for the requests that follow
    const req = httpGet({ socketPath, path: '/_ping', ...(agent ? { agent } : {}) }, (res) => {
      res.resume();
      const header = res.headers['api-version'];
      resolve(res.statusCode === 200 && typeof header === 'string' && /^\d+\.\d+$/.test(header) ? header : undefined);
    });
    req.on('error', reject);
    // the same idle timeout the modem applies (connectEngine's idleTimeoutMs)
    if (timeout) req.setTimeout(timeout, () => req.destroy(Object.assign(new Error(`no answer within ${timeout} ms`), { code: 'ETIMEDOUT' })));
  });
}

function modemOptions(endpoint: EngineEndpoint): Dockerode.DockerOptions {
  if (endpoint.socketPath) {
    // node's default agent derives a TLS server name for every new socket, testing the host
    // against its IPv6 pattern (~4 ms to compile on first use): meaningless on a unix socket
    const agent = new UnixSocketAgent({ keepAlive: true, servername: '' } as AgentOptions);
    // docker-modem takes an agent; dockerode's DockerOptions type does not list it
    const options: Dockerode.DockerOptions & { agent: HttpAgent } = { socketPath: endpoint.socketPath, agent };
    return options;
  }
  const opts: Dockerode.DockerOptions = {
    host: endpoint.host,
    port: endpoint.port,
    protocol: endpoint.protocol,
  };
  if (endpoint.username) opts.username = endpoint.username;
  if (endpoint.ca) opts.ca = readFileSync(endpoint.ca);
  if (endpoint.cert) opts.cert = readFileSync(endpoint.cert);
  if (endpoint.key) opts.key = readFileSync(endpoint.key);
  return opts;
}

/** The one EngineClient implementation, over dockerode. */
export class DockerodeEngineClient implements EngineClient {
  readonly endpoint: string;
  private readonly docker: Dockerode;
  private negotiated: Promise<string> | undefined;
  /** a ping connectEngine sent before dockerode loaded, used by the first negotiation */
  private earlyPing: Promise<string | undefined> | undefined;

  constructor(docker: Dockerode, endpoint: string, earlyPing?: Promise<string | undefined>) {
    this.docker = docker;
    this.endpoint = endpoint;
    this.earlyPing = earlyPing;
  }

  private async call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    await this.apiVersion();
    try {
      return await fn();
    } catch (err) {
      throw wrapEngineError(operation, this.endpoint, err);
    }
  }

  /**
   * Negotiates like the docker CLI: the Api-Version header of GET /_ping (cheap; /version makes
   * the engine ask containerd and runc for theirs), falling back to GET /version unversioned
   * where the header is missing or the transport is not a plain unix socket. Then pins the
   * modem to min(engine, ours).
   */
  apiVersion(): Promise<string> {
    this.negotiated ??= (async () => {
      let engineApi: string | undefined;
      try {
        const early = this.earlyPing;
        this.earlyPing = undefined;
        // an early ping that failed (an engine still starting) is only a missed shortcut: ask again
        engineApi = early ? await early.catch(() => this.pingApiVersion()) : await this.pingApiVersion();
        engineApi ??= ((await this.docker.version()) as unknown as EngineVersion).ApiVersion;
      } catch (err) {
        this.negotiated = undefined;
        throw wrapEngineError('version', this.endpoint, err);
      }
      const chosen = negotiateApiVersion(engineApi);
      (this.docker.modem as unknown as { version: string }).version = `v${chosen}`;
      return chosen;
    })();
    return this.negotiated;
  }

  private pingApiVersion(): Promise<string | undefined> {
    const { socketPath, timeout, agent } = this.docker.modem as unknown as { socketPath?: string; timeout?: number; agent?: HttpAgent };
    if (typeof socketPath !== 'string') return Promise.resolve(undefined);
    return pingApiVersion(socketPath, agent, timeout);
  }

  async ping(): Promise<void> {
    try {
      await this.docker.ping();
    } catch (err) {
      throw wrapEngineError('ping', this.endpoint, err);
    }
  }

  version(): Promise<EngineVersion> {
    return this.call('version', async () => (await this.docker.version()) as unknown as EngineVersion);
  }
  info(): Promise<Record<string, unknown>> {
    const { socketPath } = this.docker.modem as unknown as { socketPath?: string };
    // the CLI's entry may have asked already (src/engine/early-info.ts)
    const early = takeEarlyInfo(socketPath);
    return this.call('info', async () => ((early && (await early)) ?? (await this.docker.info())) as Record<string, unknown>);
  }
  inspectImage(ref: string) {
    return this.call(`inspect image ${ref}`, () => this.docker.getImage(ref).inspect());
  }
  listImages(options: { all?: boolean; dangling?: boolean } = {}) {
    const filters = options.dangling === undefined ? undefined : JSON.stringify({ dangling: [String(options.dangling)] });
    return this.call('list images', () => this.docker.listImages({ all: options.all ?? false, ...(filters ? { filters } : {}) }));
  }
  exportImage(ref: string): Promise<Readable> {
    return this.call(`export image ${ref}`, async () => (await this.docker.getImage(ref).get()) as unknown as Readable);
  }
  loadImage(tar: Readable): Promise<void> {
    return this.call('load image', async () => {
      const res = (await this.docker.loadImage(tar)) as unknown as Readable;
      // the engine reports load errors inside the JSON stream, not as an HTTP status
      let body = '';
      for await (const chunk of res) body += String(chunk);
      const errLine = body.split('\n').find((l) => l.includes('"error"'));
      if (errLine) throw Object.assign(new Error((JSON.parse(errLine) as { error: string }).error), { statusCode: 500 });
    });
  }
  listNetworks(options: { driver?: string } = {}): Promise<NetworkSummary[]> {
    const filters = options.driver ? JSON.stringify({ driver: [options.driver] }) : undefined;
    return this.call('list networks', async () => ((await this.docker.listNetworks(filters ? { filters } : {})) as unknown as NetworkSummary[]) ?? []);
  }

  pullImage(ref: string, options: PullOptions = {}): Promise<void> {
    return this.call(`pull ${ref}`, async () => {
      const query: Record<string, unknown> = { fromImage: ref, ...(options.platform ? { platform: options.platform } : {}) };
      const stream = (await this.docker.createImage({
        ...query,
        ...(options.auth ? { authconfig: options.auth } : {}),
        ...(options.signal ? { abortSignal: options.signal } : {}),
      } as Parameters<Dockerode['createImage']>[0])) as unknown as Readable;
      // the engine reports a failed pull inside its JSON stream, after a 200
      await new Promise<void>((resolve, reject) => {
        this.docker.modem.followProgress(
          stream,
          (err: Error | null) => (err ? reject(err) : resolve()),
          (event: PullProgress & { error?: string; errorDetail?: { message?: string } }) => {
            if (event.error !== undefined) {
              stream.destroy();
              const message = event.errorDetail?.message ?? event.error;
              reject(Object.assign(new Error(message), { statusCode: /not found|manifest unknown|does not exist/i.test(message) ? 404 : 500 }));
              return;
            }
            options.onProgress?.(event);
          },
        );
      });
    });
  }
  listContainers(options: { all?: boolean; labels?: string[] } = {}) {
    const filters = options.labels?.length ? JSON.stringify({ label: options.labels }) : undefined;
    return this.call('list containers', () => this.docker.listContainers({ all: options.all ?? false, ...(filters ? { filters } : {}) }));
  }
  inspectContainer(id: string) {
    return this.call(`inspect container ${id}`, () => this.docker.getContainer(id).inspect());
  }
  containerChanges(id: string): Promise<ContainerChange[]> {
    return this.call(`changes of container ${id}`, async () => {
      // with no changes the engine answers a JSON `null`, which the modem hands back unparsed
      const raw = (await this.docker.getContainer(id).changes()) as unknown;
      const parsed = Buffer.isBuffer(raw) || typeof raw === 'string' ? (JSON.parse(String(raw)) as unknown) : raw;
      return Array.isArray(parsed) ? (parsed as ContainerChange[]) : [];
    });
  }
  topContainer(id: string, psArgs?: string): Promise<ContainerTop> {
    return this.call(`top of container ${id}`, async () => {
      const top = (await this.docker.getContainer(id).top(psArgs === undefined ? {} : { ps_args: psArgs })) as Partial<ContainerTop> | null;
      return { Titles: top?.Titles ?? [], Processes: top?.Processes ?? [] };
    });
  }
  containerStats(id: string): Promise<ContainerStatsSample> {
    return this.call(`stats of container ${id}`, async () => (await this.docker.getContainer(id).stats({ stream: false, 'one-shot': true })) as unknown as ContainerStatsSample);
  }
  containerArchive(id: string, path: string): Promise<Readable> {
    return this.call(`archive ${path} of container ${id}`, async () => (await this.docker.getContainer(id).getArchive({ path })) as unknown as Readable);
  }
  exportContainer(id: string): Promise<Readable> {
    return this.call(`export container ${id}`, async () => (await this.docker.getContainer(id).export()) as unknown as Readable);
  }
  createContainer(options: ContainerCreateOptions) {
    return this.call('create container', async () => {
      // dockerode would also copy every option into the query string (a ~27 KB URL here, with
      // the inline seccomp profile and -e values, which engine debug logs print): the engine
      // reads only `name` and `platform` from the query, the rest from the body
      const { name, platform, ...body } = options;
      const query = { ...(name === undefined ? {} : { name }), ...(platform === undefined ? {} : { platform }) };
      const c = await this.docker.createContainer({ _query: query, _body: body } as ContainerCreateOptions);
      return { id: c.id, warnings: [] as string[] };
    });
  }
  startContainer(id: string) {
    return this.call(`start container ${id}`, async () => {
      await this.docker.getContainer(id).start();
    });
  }
  attachContainer(
    id: string,
    io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin?: boolean; tty?: boolean },
  ): Promise<AttachedStreams> {
    return this.call(`attach container ${id}`, async () => {
      const stream = (await this.docker.getContainer(id).attach({
        stream: true,
        stdout: true,
        stderr: true,
        stdin: io.stdin ?? false,
        hijack: io.stdin ?? false,
      })) as unknown as NodeJS.ReadWriteStream;
      if (io.tty) stream.pipe(io.stdout, { end: false });
      else this.docker.modem.demuxStream(stream, io.stdout, io.stderr);
      const done = new Promise<void>((resolve) => {
        stream.on('end', () => resolve());
        stream.on('close', () => resolve());
        stream.on('error', () => resolve());
      });
      return io.stdin ? { done, stdin: stream } : { done };
    });
  }
  waitContainer(id: string, condition: 'not-running' | 'next-exit' | 'removed' = 'not-running') {
    return this.call(`wait container ${id}`, async () => {
      const r = (await this.docker.getContainer(id).wait({ condition })) as { StatusCode: number; Error?: { Message: string } | null };
      return r;
    });
  }
  resizeContainer(id: string, size: { rows: number; columns: number }) {
    return this.call(`resize container ${id}`, async () => {
      await this.docker.getContainer(id).resize({ h: size.rows, w: size.columns });
    });
  }
  killContainer(id: string, signal = 'SIGKILL') {
    return this.call(`kill container ${id}`, async () => {
      await this.docker.getContainer(id).kill({ signal });
    });
  }
  removeContainer(id: string, options: { force?: boolean } = {}) {
    return this.call(`remove container ${id}`, async () => {
      await this.docker.getContainer(id).remove({ force: options.force ?? false, v: true });
    });
  }
}

/**
 * Creates a client for an engine URL (or the discovered default). dockerode is imported lazily:
 * commands that never touch the engine (--dry-run, file audits, --help) do not pay for it.
 */
export async function connectEngine(url?: string, options: { idleTimeoutMs?: number } = {}): Promise<EngineClient> {
  const endpoint = discoverEngine(url);
  const modem = modemOptions(endpoint);
  // the version ping goes out before dockerode loads, so its round trip overlaps with loading it
  const { socketPath, agent } = modem as { socketPath?: string; agent?: HttpAgent };
  const earlyPing = socketPath === undefined ? undefined : pingApiVersion(socketPath, agent, options.idleTimeoutMs);
  earlyPing?.catch(() => undefined);
  const { default: Docker } = await import('dockerode');
  // idleTimeoutMs: a request idle that long is destroyed, so an engine that never answers cannot keep the process alive
  const timeout = options.idleTimeoutMs ? { timeout: options.idleTimeoutMs } : {};
  return new DockerodeEngineClient(new Docker({ ...modem, ...timeout }), endpoint.url, earlyPing);
}
