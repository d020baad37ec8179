import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { InputError, MAX_YAML_BYTES, asMap, asScalar, asSeq, asString, field, parseYamlDocuments, type YLoc, type YMap, type YValue } from '../yaml/located.js';
import { interpolateTree, parseDotEnv, type Lookup } from './interpolate.js';
import { mergeMaps, mergeValues } from './merge.js';

/** The names `docker compose` looks for, in its order. */
export const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

export interface ComposeService {
  name: string;
  node: YMap;
  /** where the service's name is written (in the first file that defines it) */
  keyLoc: YLoc;
  /** variables from its env_file files, each at its line in that file */
  envFromFiles: Array<{ name: string; value: string; loc: YLoc }>;
}

export interface ComposeProject {
  /** the project name: COMPOSE_PROJECT_NAME, the top-level name:, or the directory's name */
  name: string;
  /** the files in the order given, as the user named them */
  files: string[];
  dir: string;
  /** active services (profiles applied), in file order */
  services: ComposeService[];
  /** services left out because none of their profiles is active */
  inactive: string[];
  /** variables used without a value or default (compose warns and uses "") */
  unsetVariables: string[];
  /** the environment then .env, as interpolation reads them */
  lookup: Lookup;
  /** the merged top level (services, volumes, networks, ...) */
  root: YMap;
}

export interface LoadComposeOptions {
  cwd: string;
  /** the process environment; wins over .env, as in compose */
  env: Record<string, string | undefined>;
  profiles?: string[];
  /** --env-file; default .env in the project directory */
  envFile?: string;
  /** false: keep ${VAR} text as written (for writing a file compose will read again); default true */
  interpolate?: boolean;
}

function readText(path: string, shown: string): string {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (e) {
    throw new InputError({ file: shown }, `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (size > MAX_YAML_BYTES) throw new InputError({ file: shown }, `file is over ${MAX_YAML_BYTES / 1024 / 1024} MiB`);
  const bytes = readFileSync(path);
  if (bytes.includes(0)) throw new InputError({ file: shown }, 'not a text file');
  return bytes.toString('utf8');
}

/** The compose files to read: those given, or the first default name found in cwd. */
export function composeFiles(inputs: readonly string[], cwd: string): string[] {
  if (inputs.length) return [...inputs];
  const found = DEFAULT_COMPOSE_FILES.find((f) => existsSync(join(cwd, f)));
  if (!found) throw new InputError({ file: cwd }, `no compose file (looked for ${DEFAULT_COMPOSE_FILES.join(', ')})`);
  return [found];
}

class FileLoader {
  private cache = new Map<string, YMap>();
  constructor(
    private readonly cwd: string,
    private readonly lookup: Lookup | undefined,
    readonly unset: Set<string>,
  ) {}

  /** Parsed, interpolated root mapping of a compose file; `shown` is how messages name it. */
  root(absPath: string): YMap {
    const hit = this.cache.get(absPath);
    if (hit) return hit;
    const shown = relative(this.cwd, absPath) || absPath;
    const docs = parseYamlDocuments(readText(absPath, shown), shown);
    if (docs.length !== 1) throw new InputError({ file: shown }, docs.length ? 'a compose file holds one YAML document' : 'empty compose file');
    const root = asMap(this.lookup ? interpolateTree(docs[0]!, this.lookup, this.unset) : docs[0]!, 'a compose file');
    this.cache.set(absPath, root!);
    return root!;
  }
}

function servicesOf(root: YMap): YMap | undefined {
  return asMap(field(root, 'services'), 'services');
}

/**
 * A service with its `extends` chain applied: the base service (same file or `file:`, paths
 * relative to the extending file) merged under the service's own settings, recursively.
 */
function resolveExtends(loader: FileLoader, absFile: string, name: string, stack: string[]): YMap {
  const root = loader.root(absFile);
  const services = servicesOf(root);
  const node = asMap(field(services, name), `service ${name}`);
  const where = `${absFile}#${name}`;
  if (!node) throw new InputError(services?.loc ?? root.loc, `service ${name} is not defined`);
  if (stack.includes(where)) throw new InputError(node.loc, `extends cycle: ${[...stack, where].map((s) => basename(s)).join(' -> ')}`);
  const ext = field(node, 'extends');
  if (!ext) return node;
  let baseName: string | undefined;
  let baseFile = absFile;
  if (ext.kind === 'scalar') baseName = asString(ext, 'extends');
  else {
    const m = asMap(ext, 'extends')!;
    baseName = asString(field(m, 'service'), 'extends.service');
    const f = asString(field(m, 'file'), 'extends.file');
    if (f) baseFile = resolve(dirname(absFile), f);
  }
  if (!baseName) throw new InputError(ext.loc, 'extends needs a service name');
  if (baseFile !== absFile && !existsSync(baseFile)) throw new InputError(ext.loc, `extends file ${asString(field(asMap(ext, 'extends'), 'file'), 'file')} does not exist`);
  const base = resolveExtends(loader, baseFile, baseName, [...stack, where]);
  const own: YMap = { ...node, entries: new Map([...node.entries].filter(([k]) => k !== 'extends')) };
  // merge as a service-level merge so list/map rules apply
  const merged = mergeValues({ kind: 'map', loc: base.loc, entries: new Map([['x', { key: 'x', keyLoc: base.loc, value: base }]]) }, { kind: 'map', loc: own.loc, entries: new Map([['x', { key: 'x', keyLoc: own.loc, value: own }]]) }, 'services');
  // the extending service is where findings without a field of their own point
  return { ...asMap((merged as YMap).entries.get('x')!.value, 'service')!, loc: node.loc };
}

/** env_file: a path, a list of paths, or {path, required}; relative to the file that names it. */
function readEnvFiles(node: YMap, service: string, cwd: string): Array<{ name: string; value: string; loc: YLoc }> {
  const v = field(node, 'env_file');
  if (!v) return [];
  const items = v.kind === 'seq' ? v.items : [v];
  const out: Array<{ name: string; value: string; loc: YLoc }> = [];
  for (const item of items) {
    const m = item.kind === 'map' ? item : undefined;
    const path = m ? asString(field(m, 'path'), `service ${service}: env_file path`) : asString(item, `service ${service}: env_file`);
    const required = m ? field(m, 'required')?.kind !== 'scalar' || (field(m, 'required') as { value: unknown }).value !== false : true;
    if (!path) continue;
    const abs = resolve(dirname(resolve(cwd, item.loc.file)), path);
    if (!existsSync(abs)) {
      if (required) throw new InputError(item.loc, `service ${service}: env_file ${path} does not exist`);
      continue;
    }
    const shown = relative(cwd, abs) || abs;
    const lines = readText(abs, shown).split(/\r?\n/);
    lines.forEach((line, i) => {
      const one = parseDotEnv(line);
      for (const [name, value] of one) out.push({ name, value, loc: { file: shown, line: i + 1, column: 1 } });
    });
  }
  return out;
}

function activeProfiles(opts: LoadComposeOptions): Set<string> {
  const fromEnv = (opts.env.COMPOSE_PROFILES ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return new Set([...(opts.profiles ?? []), ...fromEnv]);
}

function projectName(root: YMap, dir: string, env: Record<string, string | undefined>): string {
  const raw = env.COMPOSE_PROJECT_NAME ?? asString(field(root, 'name'), 'name') ?? basename(dir);
  // compose's normalisation: lower case, only [a-z0-9_-]
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, '');
}

/** Reads, interpolates, `extends`-resolves and merges the compose files as `docker compose -f a -f b` does. */
export function loadComposeProject(inputs: readonly string[], opts: LoadComposeOptions): ComposeProject {
  const files = composeFiles(inputs, opts.cwd);
  const absFiles = files.map((f) => (isAbsolute(f) ? f : resolve(opts.cwd, f)));
  const dir = dirname(absFiles[0]!);
  const envPath = opts.envFile ? resolve(opts.cwd, opts.envFile) : join(dir, '.env');
  const dotEnv = existsSync(envPath) ? parseDotEnv(readText(envPath, relative(opts.cwd, envPath) || envPath)) : new Map<string, string>();
  if (opts.envFile && !existsSync(envPath)) throw new InputError({ file: opts.envFile }, 'env file does not exist');
  const lookup: Lookup = (name) => opts.env[name] ?? dotEnv.get(name);
  const loader = new FileLoader(opts.cwd, opts.interpolate === false ? undefined : lookup, new Set());

  let project: YMap = { kind: 'map', loc: { file: files[0]!, line: 1, column: 1 }, entries: new Map() };
  for (const abs of absFiles) {
    const root = loader.root(abs);
    // every service with its extends applied, before the files merge (compose does the same)
    const services = servicesOf(root);
    let resolved = root;
    if (services) {
      const entries = new Map(services.entries);
      for (const [name, e] of services.entries) entries.set(name, { ...e, value: resolveExtends(loader, abs, name, []) });
      resolved = { ...root, entries: new Map(root.entries).set('services', { key: 'services', keyLoc: root.entries.get('services')!.keyLoc, value: { ...services, entries } }) };
    }
    project = mergeMaps(project, resolved, '');
  }

  const profiles = activeProfiles(opts);
  const services: ComposeService[] = [];
  const inactive: string[] = [];
  for (const [name, e] of servicesOf(project)?.entries ?? []) {
    const node = asMap(e.value, `service ${name}`);
    if (!node) continue;
    const own = asSeq(field(node, 'profiles'), `service ${name} profiles`);
    const ownProfiles = (own?.items ?? []).map((p) => String(asScalar(p, 'profile')?.value ?? ''));
    if (ownProfiles.length && !ownProfiles.some((p) => profiles.has(p) || profiles.has('*'))) {
      inactive.push(name);
      continue;
    }
    services.push({ name, node, keyLoc: e.keyLoc, envFromFiles: readEnvFiles(node, name, opts.cwd) });
  }
  return { name: projectName(project, dir, opts.env), files, dir, services, inactive, unsetVariables: [...loader.unset].sort(), lookup, root: project };
}

export type { YValue };
