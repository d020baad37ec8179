import { existsSync } from 'node:fs';

/** Where the engine is, in the terms dockerode's modem takes. */
export interface EngineEndpoint {
  /** as the user wrote it: unix:///var/run/docker.sock, tcp://host:2376, ssh://user@host */
  url: string;
  socketPath?: string;
  protocol?: 'http' | 'https' | 'ssh';
  host?: string;
  port?: number;
  username?: string;
  ca?: string;
  cert?: string;
  key?: string;
}

type Env = Record<string, string | undefined>;

/**
 * Parses an engine URL the way the docker CLI does (unix://, tcp:// with DOCKER_TLS_VERIFY /
 * DOCKER_CERT_PATH, ssh://). Throws on a scheme we cannot use.
 */
export function parseEngineUrl(url: string, env: Env = process.env): EngineEndpoint {
  if (url.startsWith('unix://')) return { url, socketPath: url.slice('unix://'.length) };
  if (url.startsWith('/')) return { url: `unix://${url}`, socketPath: url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`engine URL ${JSON.stringify(url)} is not a URL (expected unix://, tcp:// or ssh://)`);
  }
  if (parsed.protocol === 'tcp:' || parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    const tls = parsed.protocol === 'https:' || (env.DOCKER_TLS_VERIFY !== undefined && env.DOCKER_TLS_VERIFY !== '' && env.DOCKER_TLS_VERIFY !== '0');
    const certPath = env.DOCKER_CERT_PATH;
    const endpoint: EngineEndpoint = {
      url,
      protocol: tls ? 'https' : 'http',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : tls ? 2376 : 2375,
    };
    if (tls && certPath) {
      endpoint.ca = `${certPath}/ca.pem`;
      endpoint.cert = `${certPath}/cert.pem`;
      endpoint.key = `${certPath}/key.pem`;
    }
    return endpoint;
  }
  if (parsed.protocol === 'ssh:') {
    return {
      url,
      protocol: 'ssh',
      host: parsed.hostname,
      port: parsed.port ? Number(parsed.port) : 22,
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    };
  }
  throw new Error(`engine URL ${JSON.stringify(url)} has an unsupported scheme ${parsed.protocol} (expected unix://, tcp:// or ssh://)`);
}

/**
 * Socket discovery as a short list of strategies, first match wins: an explicit URL,
 * DOCKER_HOST, the rootful socket, then the rootless ones.
 */
export function discoverEngine(explicit?: string, env: Env = process.env, exists: (p: string) => boolean = existsSync): EngineEndpoint {
  if (explicit) return parseEngineUrl(explicit, env);
  if (env.DOCKER_HOST) return parseEngineUrl(env.DOCKER_HOST, env);
  const candidates = [
    '/var/run/docker.sock',
    '/run/docker.sock',
    env.XDG_RUNTIME_DIR ? `${env.XDG_RUNTIME_DIR}/docker.sock` : undefined,
    process.getuid ? `/run/user/${process.getuid()}/docker.sock` : undefined,
    env.HOME ? `${env.HOME}/.docker/run/docker.sock` : undefined,
  ].filter((p): p is string => p !== undefined);
  const found = candidates.find((p) => exists(p)) ?? '/var/run/docker.sock';
  return { url: `unix://${found}`, socketPath: found };
}
