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

describe('evaluated rules of declared inputs', () => {
  it('rules silenced by an unknown fact are not listed as passed', async () => {
    const { auditManifests } = await import('../../../src/audit/k8s/audit.js');
    const t = auditManifests(['-'], { cwd: '/', stdin: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n' })[0]!;
    expect(t.evaluated).toContain('CT001');
    expect(t.evaluated).toContain('KS001');
    for (const id of ['CT015', 'CT019', 'CT021', 'CT025', 'CT032', 'KS009']) expect(t.evaluated, id).not.toContain(id);
    const pss = auditManifests(['-'], { cwd: '/', pss: 'baseline', stdin: 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n' })[0]!;
    expect(pss.evaluated).toContain('KS009');
  });
});
