import { describe, expect, it } from 'vitest';
import { containerRules } from '../../../src/audit/rules/container/index.js';
import { declaredLocation, ruleHasFactKeys } from '../../../src/audit/container/declared-location.js';

describe('declared-location: which fact each container rule reads', () => {
  it('knows every container rule (a new rule must say which fields it reads)', () => {
    expect(containerRules.map((r) => r.meta.id).filter((id) => !ruleHasFactKeys(id))).toEqual([]);
  });
  it('picks the most specific source, then the service itself; nothing for inspect facts', () => {
    const sources = { self: { path: 'c.yaml', line: 2, column: 3 }, capAdd: { path: 'c.yaml', line: 5, column: 5 }, 'capAdd:SYS_ADMIN': { path: 'o.yaml', line: 9, column: 9 } };
    expect(declaredLocation(sources, 'CT002', { message: '', key: 'SYS_ADMIN' })).toEqual({ path: 'o.yaml', line: 9, column: 9 });
    expect(declaredLocation(sources, 'CT002', { message: '', key: 'NET_ADMIN' })).toEqual({ path: 'c.yaml', line: 5, column: 5 });
    expect(declaredLocation(sources, 'CT013', { message: '' })).toEqual({ path: 'c.yaml', line: 2, column: 3 });
    expect(declaredLocation(undefined, 'CT013', { message: '' })).toBeUndefined();
  });
});
