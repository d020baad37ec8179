import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { BulkheadError } from '../errors.js';

export type ContainerCreateOptions = Dockerode.ContainerCreateOptions;
export type ContainerInspect = Dockerode.ContainerInspectInfo;
export type ContainerSummary = Dockerode.ContainerInfo;
export type ImageInspect = Dockerode.ImageInspectInfo;
export type ImageSummary = Dockerode.ImageInfo;

export interface EngineVersion {
  Version: string;
  ApiVersion: string;
  MinAPIVersion?: string;
  Os?: string;
  Arch?: string;
  KernelVersion?: string;
  Components?: Array<{ Name: string; Version: string; Details?: Record<string, string> }>;
}

/** One entry of GET /containers/{id}/changes: Kind 0 modified, 1 added, 2 deleted. */
export interface ContainerChange {
  Path: string;
  Kind: 0 | 1 | 2;
}

/** GET /containers/{id}/top: ps's column titles and one row per process of the container. */
export interface ContainerTop {
  Titles: string[];
  Processes: string[][];
}

/** One entry of GET /networks, as far as the audit reads it. */
export interface NetworkSummary {
  Name: string;
  Id: string;
  Driver: string;
  Scope?: string;
  Ingress?: boolean;
  Options?: Record<string, string> | null;
}

/** GET /containers/{id}/stats?stream=false&one-shot=true, the fields bulkhead reads (cgroup v1 or v2). */
export interface ContainerStatsSample {
  memory_stats?: { usage?: number; max_usage?: number; stats?: Record<string, number> };
  pids_stats?: { current?: number; limit?: number };
}

/** One line of the engine's pull progress stream. */
export interface PullProgress {
  id?: string;
  status?: string;
  progressDetail?: { current?: number; total?: number };
}

export interface PullOptions {
  /** X-Registry-Auth; never logged */
  auth?: { username?: string; password?: string; identitytoken?: string; serveraddress: string };
  platform?: string;
  onProgress?: (event: PullProgress) => void;
  signal?: AbortSignal;
}

export interface AttachedStreams {
  /** resolves when both output streams have ended */
  done: Promise<void>;
  /** stdin of the container, when attached with stdin */
  stdin?: NodeJS.WritableStream;
}

/**
 * The narrow Engine API surface bulkhead uses. Runtime and audit both reach the engine only
 * through this interface, so tests and other programs can substitute it.
 */
export interface EngineClient {
  /** the URL the client talks to, for messages */
  readonly endpoint: string;
  ping(): Promise<void>;
  version(): Promise<EngineVersion>;
  info(): Promise<Record<string, unknown>>;
  /** the API version negotiated with the engine, e.g. "1.41" */
  apiVersion(): Promise<string>;

  inspectImage(ref: string): Promise<ImageInspect>;
  listImages(options?: { all?: boolean; dangling?: boolean }): Promise<ImageSummary[]>;
  /** GET /images/{name}/get: a `docker save` tar stream */
  exportImage(ref: string): Promise<Readable>;
  /** POST /images/load */
  loadImage(tar: Readable): Promise<void>;
  /**
   * POST /images/create?fromImage=REF: resolves once the engine reports the pull complete;
   * an error in the progress stream (unknown tag, registry down, denied) rejects with status 404/500.
   */
  pullImage(ref: string, options?: PullOptions): Promise<void>;

  /** GET /networks, optionally only those of one driver (e.g. "overlay") */
  listNetworks(options?: { driver?: string }): Promise<NetworkSummary[]>;
  listContainers(options?: { all?: boolean; labels?: string[] }): Promise<ContainerSummary[]>;
  inspectContainer(id: string): Promise<ContainerInspect>;
  containerChanges(id: string): Promise<ContainerChange[]>;
  /**
   * GET /containers/{id}/top: the engine runs `ps psArgs` on its host and keeps the processes of
   * the container's cgroup (so a container sharing the host PID namespace still lists only its own)
   */
  topContainer(id: string, psArgs?: string): Promise<ContainerTop>;
  /** one stats sample of a running container (optional: fakes need not have it; `bulkhead learn` does) */
  containerStats?(id: string): Promise<ContainerStatsSample>;
  /** GET /containers/{id}/archive: a tar of one path */
  containerArchive(id: string, path: string): Promise<Readable>;
  /** GET /containers/{id}/export: the whole filesystem as a tar */
  exportContainer(id: string): Promise<Readable>;

  createContainer(options: ContainerCreateOptions): Promise<{ id: string; warnings: string[] }>;
  startContainer(id: string): Promise<void>;
  /** attach before start; demultiplexes stdout/stderr onto the given writables */
  attachContainer(id: string, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin?: boolean; tty?: boolean }): Promise<AttachedStreams>;
  waitContainer(id: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<{ StatusCode: number; Error?: { Message: string } | null }>;
  killContainer(id: string, signal?: string): Promise<void>;
  /** the TTY size of a container started with Tty */
  resizeContainer(id: string, size: { rows: number; columns: number }): Promise<void>;
  removeContainer(id: string, options?: { force?: boolean }): Promise<void>;
}

/**
 * Every engine failure, typed: which operation, the HTTP status (when the engine answered),
 * and the engine's own message. dockerode's raw errors are untyped; wrapping them here keeps
 * string matching out of the rest of the code.
 */
export class DockerApiError extends BulkheadError {
  readonly operation: string;
  readonly statusCode: number | undefined;
  constructor(operation: string, statusCode: number | undefined, message: string, cause?: unknown) {
    super(statusCode === undefined ? 'engine-unreachable' : statusCode === 404 ? 'not-found' : 'engine', message, { cause });
    this.name = 'DockerApiError';
    this.operation = operation;
    this.statusCode = statusCode;
  }
}
