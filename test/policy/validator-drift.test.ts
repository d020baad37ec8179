import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatePolicyValidatorSource } from '../../src/policy/schema-codegen.js';

const schema = new URL('../../schemas/policy.schema.json', import.meta.url);
const generated = new URL('../../src/policy/generated/policy-validator.ts', import.meta.url);

describe('the precompiled policy validator', () => {
  it('matches schemas/policy.schema.json (regenerate with UPDATE_GENERATED=1)', () => {
    const source = generatePolicyValidatorSource(readFileSync(schema, 'utf8'));
    if (process.env.UPDATE_GENERATED) writeFileSync(generated, source);
    expect(readFileSync(generated, 'utf8')).toBe(source);
  });
});
