import { Ajv } from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';

type StandaloneCode = (ajv: Ajv, validate: ReturnType<Ajv['compile']>) => string;

/**
 * Generates src/policy/generated/policy-validator.ts from schemas/policy.schema.json with ajv's
 * standalone mode, so loading a policy never compiles the schema (~85 ms here, most of a run's
 * budget). Not imported at run time; test/policy/validator-drift.test.ts checks the committed
 * file against this output and rewrites it with UPDATE_GENERATED=1.
 */
export function generatePolicyValidatorSource(schemaText: string): string {
  // same options the validator is described with in validate.ts (verbose: errors carry parentSchema)
  const ajv = new Ajv({ allErrors: false, verbose: true, strictTypes: false, code: { source: true, esm: true } });
  const validate = ajv.compile(JSON.parse(schemaText) as object);
  // a CommonJS module: its default may arrive wrapped depending on the loader
  const mod = standaloneModule as unknown as StandaloneCode | { default: StandaloneCode };
  const standaloneCode = typeof mod === 'function' ? mod : mod.default;
  let code = standaloneCode(ajv, validate);
  // ajv's "esm" output still require()s its runtime helpers; turn those into imports
  const imports: string[] = [];
  // (Node hands a CommonJS module.exports to a default import, vite its `default`: accept both)
  code = code.replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)\.default/g, (_m: string, spec: string) => {
    const id = `runtime_${spec.split('/').pop()!}`;
    if (!imports.some((i) => i.includes(` ${id} `))) imports.push(`import ${id} from "${spec}.js";`);
    return `(${id}.default ?? ${id})`;
  });
  if (/\brequire\(/.test(code)) throw new Error('generated validator still calls require()');
  return [
    '/* eslint-disable */',
    '// @ts-nocheck',
    '// GENERATED from schemas/policy.schema.json by src/policy/schema-codegen.ts; do not edit.',
    '// Regenerate: UPDATE_GENERATED=1 npx vitest run test/policy/validator-drift.test.ts',
    ...imports,
    code.replace(/^"use strict";/, ''),
    '',
  ].join('\n');
}
