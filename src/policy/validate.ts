import type { ErrorObject, ValidateFunction } from 'ajv';
import { packageRoot } from '../version.js';
// Precompiled from the schema (see ./schema-codegen.ts): no schema compilation at run time.
import { validate as generatedValidate } from './generated/policy-validator.js';

/** One schema problem, in the terms a person fixing the file needs. */
export interface SchemaProblem {
  /** path segments into the document */
  path: Array<string | number>;
  message: string;
}

export const POLICY_SCHEMA_URL = new URL('schemas/policy.schema.json', packageRoot);

const validatePolicy = generatedValidate as unknown as ValidateFunction;

/** Validates one policy document (a single file, before `extends` is merged). */
export async function validateDocument(doc: unknown): Promise<SchemaProblem | undefined> {
  if (validatePolicy(doc)) return undefined;
  return describeAjvErrors(validatePolicy.errors ?? []);
}

/** Fields people bring from docker/Kubernetes that bulkhead deliberately cannot express. */
const NOT_EXPRESSIBLE: Record<string, string> = {
  privileged: 'not expressible: bulkhead never runs privileged containers',
  hostNetwork: 'not expressible: bulkhead never shares the host network namespace',
  hostPID: 'not expressible: bulkhead never shares the host pid namespace',
  hostIPC: 'not expressible: bulkhead never shares the host ipc namespace',
  hostUsers: 'not expressible: bulkhead never shares host namespaces',
  devices: 'not expressible: bulkhead never passes host devices',
  unconfined: 'not expressible: seccomp and AppArmor cannot be turned off',
};

/** Messages for the schema's if/then pairs, keyed by where the `then` lives. */
const CONDITIONAL: Array<{ schemaPath: string; field: Array<string | number>; message: string }> = [
  {
    schemaPath: '#/properties/securityContext/then',
    field: ['securityContext', 'runAsUser'],
    message: 'uid 0 (root) needs runAsNonRoot: false, and bulkhead still refuses to run it; use a non-root uid',
  },
  {
    schemaPath: '#/properties/restartPolicy/then',
    field: ['restartPolicy', 'maximumRetryCount'],
    message: 'on-failure needs a retry cap of at least 1 (the engine treats 0 as unlimited)',
  },
];

function toPath(instancePath: string): Array<string | number> {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function describeType(t: unknown): string {
  const names = (Array.isArray(t) ? t : [t]).map((x) => (x === 'integer' ? 'an integer' : x === 'object' ? 'a mapping' : x === 'array' ? 'a list' : `a ${String(x)}`));
  return names.join(' or ');
}

/** Picks the error that explains the failure and words it. Exported for tests. */
export function describeAjvErrors(errors: ErrorObject[]): SchemaProblem {
  // anyOf reports every branch first; the anyOf error itself carries the useful description
  const err = errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
  if (!err) return { path: [], message: 'invalid' };
  const path = toPath(err.instancePath);
  const cond = CONDITIONAL.find((c) => err.schemaPath.startsWith(c.schemaPath));
  if (cond) return { path: cond.field, message: cond.message };
  const p = err.params as Record<string, unknown>;
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      const allowed = Object.keys((err.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const message = NOT_EXPRESSIBLE[key] ?? (allowed.length ? `unknown field (expected one of: ${allowed.join(', ')})` : 'unknown field');
      return { path: [...path, key], message };
    }
    case 'required':
      return { path: [...path, String(p.missingProperty)], message: 'is required' };
    case 'pattern':
      return { path, message: `must match /${String(p.pattern)}/` };
    case 'enum': {
      const values = (p.allowedValues as unknown[]).map(String);
      const got = String(err.data);
      const extra = got === 'Unconfined' || got === 'unconfined' ? ' (unconfined is not expressible)' : '';
      return { path, message: `must be one of: ${values.join(', ')}${extra}` };
    }
    case 'const':
      return { path, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'type': {
      // a number where a pattern-checked string belongs ("memory: 12"): the pattern says more
      const pattern = (err.parentSchema as { pattern?: string } | undefined)?.pattern;
      return { path, message: pattern ? `must match /${pattern}/` : `must be ${describeType(p.type)}` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `must be ${String(p.comparison)} ${String(p.limit)}` };
    case 'uniqueItems':
      return { path, message: `must not repeat items (items ${String(p.j)} and ${String(p.i)} are equal)` };
    case 'anyOf': {
      const description = (err.parentSchema as { description?: string } | undefined)?.description;
      return { path, message: description ? `must be ${description}` : 'has the wrong shape' };
    }
    default:
      return { path, message: err.message ?? 'invalid' };
  }
}
