import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BulkheadError } from '../errors.js';
import { packageRoot } from '../version.js';
import type { HardeningPlan } from './plan.js';
import type { Policy, PolicyDocument } from './types.js';
import { toHardeningPlan } from './to-plan.js';
import { cachedBuiltinDoc } from './parsed-cache.js';
import { findLoosenings } from './tighten.js';

export interface LoadedPolicy {
  /** built-in name, or the path as the user gave it */
  name: string;
  /** absolute path of the file the policy was read from */
  source: string;
  /** the resolved policy: `extends` merged, every field present */
  policy: Policy;
  plan: HardeningPlan;
  /** the extends chain, this policy first, each as shown in messages */
  chain: string[];
}

export const BUILTIN_POLICY_DIR = fileURLToPath(new URL('policies/', packageRoot));
/** the built-in every policy without `extends` is completed from */
export const BASE_POLICY = 'default';
/** how many `extends` hops a chain may have before we call it a mistake */
export const MAX_EXTENDS_DEPTH = 8;
const BUILTIN_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/** Names of the built-in policies shipped in policies/, sorted. */
export function listBuiltinPolicies(): string[] {
  return readdirSync(BUILTIN_POLICY_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/**
 * Loads a policy by built-in name or YAML path (relative to options.cwd), validates it against
 * schemas/policy.schema.json, resolves `extends` (tighten-only unless overridable), checks
 * `requires`, and builds its HardeningPlan. Every failure is BulkheadError('invalid-policy')
 * naming the file, the field path and the line.
 */
export async function loadPolicy(ref?: string, options: { cwd?: string } = {}): Promise<LoadedPolicy> {
  const cwd = options.cwd ?? process.cwd();
  const name = ref ?? BASE_POLICY;
  if (name.trim() === '') throw new BulkheadError('invalid-policy', `empty policy name (built-ins: ${listBuiltinPolicies().join(', ')}, or a YAML file)`);
  const file = resolveRef(name, cwd);
  const resolved = await resolveFile(file, [], cwd);
  return { name, source: file, policy: resolved.policy, plan: toHardeningPlan(resolved.policy, name), chain: resolved.chain };
}

function isBuiltinName(ref: string): boolean {
  return BUILTIN_NAME.test(ref) && !ref.endsWith('.yaml') && !ref.endsWith('.yml');
}

/** A bare name is a built-in (use ./name for a file of that name); anything else is a path. */
function resolveRef(ref: string, baseDir: string, referrer?: string): string {
  if (isBuiltinName(ref)) {
    const builtin = resolve(BUILTIN_POLICY_DIR, `${ref}.yaml`);
    if (existsSync(builtin)) return builtin;
    const where = referrer === undefined ? '' : `${referrer}: extends: `;
    throw new BulkheadError('invalid-policy', `${where}unknown policy '${ref}' (built-ins: ${listBuiltinPolicies().join(', ')}; use ./${ref} for a file)`);
  }
  return resolve(baseDir, ref);
}

/** How a file is named in messages: package-relative for built-ins, cwd-relative when inside cwd. */
function displayName(file: string, cwd: string): string {
  if (dirname(file) === resolve(BUILTIN_POLICY_DIR)) return `policies/${relative(BUILTIN_POLICY_DIR, file)}`;
  const rel = relative(cwd, file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}

interface Resolved {
  policy: Policy;
  chain: string[];
}

interface ParsedFile {
  doc: PolicyDocument;
  text: string;
  shown: string;
}

async function readPolicyFile(file: string, cwd: string): Promise<ParsedFile> {
  const shown = displayName(file, cwd);
  let text: string;
  try {
    // sync: a policy is a small file, and node:fs/promises costs `bulkhead run` ~1 ms to load
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String(code ?? e);
    throw new BulkheadError('invalid-policy', `${shown}: cannot read policy: ${why}`, { cause: e });
  }
  const cached = dirname(file) === resolve(BUILTIN_POLICY_DIR) ? cachedBuiltinDoc(file, text) : undefined;
  if (cached) return { doc: cached, text, shown };
  const { parsePolicyText } = await import('./parse-file.js');
  return { doc: await parsePolicyText(text, shown), text, shown };
}

async function resolveFile(file: string, stack: string[], cwd: string): Promise<Resolved> {
  const shown = displayName(file, cwd);
  if (stack.includes(file)) {
    const chain = [...stack, file].map((f) => displayName(f, cwd)).join(' -> ');
    throw new BulkheadError('invalid-policy', `${shown}: extends cycle: ${chain}`);
  }
  if (stack.length > MAX_EXTENDS_DEPTH) {
    const chain = [...stack, file].map((f) => displayName(f, cwd));
    throw new BulkheadError('invalid-policy', `${chain[0]}: extends nests deeper than ${MAX_EXTENDS_DEPTH}: ${chain.join(' -> ')}`);
  }
  const parsed = await readPolicyFile(file, cwd);
  const { doc } = parsed;

  let policy: Policy;
  let chain = [shown];
  if (doc.extends !== undefined) {
    const parentFile = resolveRef(doc.extends, dirname(file), shown);
    const parent = await resolveFile(parentFile, [...stack, file], cwd);
    policy = mergePolicy(parent.policy, doc);
    chain = [shown, ...parent.chain];
    const loose = findLoosenings(parent.policy, policy);
    if (loose.length) {
      const parentShown = parent.chain[0]!;
      const describe = (l: (typeof loose)[number]): string =>
        `${l.field}: loosens ${parentShown} (${l.parentValue} -> ${l.childValue}); a child may only tighten unless the parent lists '${l.field}' in overridable`;
      const first = loose[0]!;
      const { fieldError } = await import('./parse-file.js');
      const err = fieldError(shown, parsed.text, first.at, describe(first).slice(first.field.length + 2));
      throw new BulkheadError('invalid-policy', err.message, { details: loose.slice(1).map(describe) });
    }
  } else if (file !== resolve(BUILTIN_POLICY_DIR, `${BASE_POLICY}.yaml`)) {
    // a policy without extends is completed from the base, with no tighten check: nothing is its parent
    // (completing from the base is not an extends hop: it does not count toward the depth limit)
    const base = await resolveFile(resolve(BUILTIN_POLICY_DIR, `${BASE_POLICY}.yaml`), [], cwd);
    policy = { ...mergePolicy(base.policy, doc), overridable: doc.overridable ?? [] };
  } else {
    policy = doc as Policy;
  }
  checkResolved(policy, shown, chain);
  return { policy, chain };
}

/** Checks that span files: a field set in one file may clash with one inherited from another. */
function checkResolved(policy: Policy, shown: string, chain: string[]): void {
  const via = chain.length > 1 ? ` (resolved through ${chain.join(' -> ')})` : '';
  const sc = policy.securityContext;
  if (sc.runAsNonRoot && sc.runAsUser === 0) {
    throw new BulkheadError('invalid-policy', `${shown}: securityContext.runAsUser: 0 (root) contradicts runAsNonRoot: true${via}`);
  }
  if (policy.restartPolicy.name === 'on-failure' && !(policy.restartPolicy.maximumRetryCount >= 1)) {
    throw new BulkheadError('invalid-policy', `${shown}: restartPolicy.maximumRetryCount: on-failure needs a cap of at least 1${via}`);
  }
}

/**
 * Deep merge of a child document over a resolved parent: mappings merge key by key, lists and
 * scalars are replaced by the child's, `overridable` is the union, metadata is the child's own.
 */
export function mergePolicy(parent: Policy, child: PolicyDocument): Policy {
  const merged = mergeValue(parent, child) as Policy;
  merged.metadata = { ...child.metadata };
  if (child.requires === undefined) delete merged.requires;
  merged.overridable = [...new Set([...parent.overridable, ...(child.overridable ?? [])])];
  return merged;
}

function mergeValue(parent: unknown, child: unknown): unknown {
  if (child === undefined) return structuredClone(parent);
  if (isMapping(parent) && isMapping(child)) {
    const out: Record<string, unknown> = {};
    for (const k of new Set([...Object.keys(parent), ...Object.keys(child)])) out[k] = mergeValue(parent[k], child[k]);
    return out;
  }
  return structuredClone(child);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
