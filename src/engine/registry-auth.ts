import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Registry credentials the way the docker CLI finds them in ~/.docker/config.json (or
 * $DOCKER_CONFIG/config.json): `credHelpers[registry]`, then `credsStore`, then
 * `auths[registry].auth` / `identitytoken`. No well-kept npm library does this (checked the
 * registry's list), and it is small. Credentials are handed to the engine in the
 * X-Registry-Auth header and never printed or kept.
 */
export interface RegistryAuth {
  username?: string;
  password?: string;
  identitytoken?: string;
  serveraddress: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; identitytoken?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** Docker Hub's key in config.json, as `docker login` writes it. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';

/** The registry host of an image reference: the first component when it has a dot, a colon, or is localhost. */
export function registryOf(ref: string): string {
  const slash = ref.indexOf('/');
  if (slash === -1) return 'docker.io';
  const first = ref.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first : 'docker.io';
}

function configKeys(registry: string): string[] {
  if (registry === 'docker.io' || registry === 'index.docker.io' || registry === 'registry-1.docker.io') return [DOCKER_HUB_KEY, 'docker.io', 'index.docker.io'];
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`, `https://${registry}/v2/`];
}

export interface CredentialHelperRunner {
  /** runs docker-credential-<helper> get with the server on stdin; undefined when it has nothing */
  (helper: string, server: string): { Username?: string; Secret?: string } | undefined;
}

/** The docker CLI's protocol: `docker-credential-<name> get`, server URL on stdin, JSON on stdout. */
export const runCredentialHelper: CredentialHelperRunner = (helper, server) => {
  if (!/^[A-Za-z0-9_.-]+$/.test(helper)) return undefined;
  const r = spawnSync(`docker-credential-${helper}`, ['get'], { input: server, encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0 || !r.stdout) return undefined;
  try {
    return JSON.parse(r.stdout) as { Username?: string; Secret?: string };
  } catch {
    return undefined;
  }
};

export function dockerConfigPath(env: Record<string, string | undefined>): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
}

function readConfig(path: string): DockerConfig | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as DockerConfig;
  } catch {
    // no config (or an unreadable one) means anonymous pulls, as for the docker CLI
    return undefined;
  }
}

/** The credentials for the registry of `ref`, or undefined for an anonymous pull. */
export function registryAuthFor(ref: string, env: Record<string, string | undefined>, helper: CredentialHelperRunner = runCredentialHelper): RegistryAuth | undefined {
  const config = readConfig(dockerConfigPath(env));
  if (!config) return undefined;
  const registry = registryOf(ref);
  const keys = configKeys(registry);
  const serveraddress = keys[0] ?? registry;
  const fromHelper = (name: string): RegistryAuth | undefined => {
    for (const key of keys) {
      const c = helper(name, key);
      if (!c?.Secret) continue;
      // the CLI's convention: a "<token>" user means the secret is an identity token
      return c.Username === '<token>' ? { identitytoken: c.Secret, serveraddress } : { username: c.Username ?? '', password: c.Secret, serveraddress };
    }
    return undefined;
  };
  const perRegistry = keys.map((k) => config.credHelpers?.[k]).find((h) => h !== undefined);
  if (perRegistry) return fromHelper(perRegistry);
  if (config.credsStore) {
    const stored = fromHelper(config.credsStore);
    if (stored) return stored;
  }
  const entry = keys.map((k) => config.auths?.[k]).find((e) => e !== undefined);
  if (!entry) return undefined;
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
  }
  if (entry.username && entry.password) return { username: entry.username, password: entry.password, serveraddress };
  return undefined;
}
