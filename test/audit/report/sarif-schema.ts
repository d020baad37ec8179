import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import * as addFormatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives wrapped under ESM interop.
const addFormats = (addFormatsModule as unknown as { default: FormatsPlugin }).default;

/**
 * A validator for the official SARIF 2.1.0 schema, vendored in test/fixtures/sarif (see SOURCE.md).
 * The file is draft-04: draft-07 spells `id` as `$id`. Its language-tag pattern is not valid in
 * unicode mode (`]?`), so regexes compile without /u.
 */
export function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(new URL('../../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  schema.$id = schema.id;
  delete schema.id;
  schema.$schema = 'http://json-schema.org/draft-07/schema#';
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}
