import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTHZ_REASONS } from '../../src/authz/reasons.js';
import { REQUIRED_BY_POLICY } from '../../src/authz/policy-view.js';
import { containerRules } from '../../src/audit/rules/container/index.js';

const doc = readFileSync(new URL('../../docs/authz.md', import.meta.url), 'utf8');

describe('docs/authz.md stays in step with the code', () => {
  it('lists every reason id with its title', () => {
    for (const [id, r] of Object.entries(AUTHZ_REASONS)) expect(doc).toContain(`| ${id} | ${r.title} |`);
  });

  it('lists every rule the policy can require, by the field that requires it, and each is a container rule', () => {
    for (const r of REQUIRED_BY_POLICY) {
      expect(containerRules.some((c) => c.meta.id === r.rule)).toBe(true);
      expect(doc).toMatch(new RegExp(`\\| ${r.rule} [^|]*\\| \`${r.field.replace(/\./g, '\\.')}`));
    }
  });
});
