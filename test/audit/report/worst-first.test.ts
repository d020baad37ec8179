import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import { compareCisIds, groupByRule, passedChecks, targetsWorstFirst } from '../../../src/audit/report/worst-first.js';
import { applyAuditConfig, EMPTY_CONFIG } from '../../../src/audit/config.js';
import { buildReport } from '../../../src/audit/report/build.js';
import { ALL_RULES } from '../../../src/audit/rules/registry.js';
import { containerRules } from '../../../src/audit/rules/container/index.js';
import { fleetReport, FLEET_CONTAINERS } from './fleet.js';

describe('targets worst first', () => {
  it('puts the privileged and socket-mounting containers first and the hardened one last', () => {
    const order = targetsWorstFirst(fleetReport().targets).map((t) => t.target.name);
    expect(order.slice(0, 2).sort()).toEqual(['report-priv', 'report-sock']);
    expect(order.slice(2, 5).sort()).toEqual(['report-hostnet', 'report-hostpid', 'unix:///var/run/docker.sock']);
    expect(order.at(-1)).toBe('report-hardened');
    // the engine's order (hardened first, priv and sock last) is what the report used to show
    expect(fleetReport().targets[1]!.name).toBe('report-hardened');
  });

  it('keeps each target\'s index in the report as its anchor', () => {
    const r = fleetReport();
    for (const { target, index } of targetsWorstFirst(r.targets)) expect(r.targets[index]).toBe(target);
  });

  it('puts an unreadable target above a clean one', () => {
    const order = targetsWorstFirst([
      { kind: 'container', name: 'clean', findings: [], errors: [] },
      { kind: 'container', name: 'unreadable', findings: [], errors: [{ message: 'no such container: x' }] },
    ]).map((t) => t.target.name);
    expect(order).toEqual(['unreadable', 'clean']);
  });
});

describe('findings grouped by rule', () => {
  const groups = groupByRule(fleetReport().targets);

  it('makes one group per rule and severity, worst first', () => {
    expect(groups[0]).toMatchObject({ ruleId: 'CT001', severity: 'critical', targetCount: 1 });
    expect(groups[1]).toMatchObject({ ruleId: 'CT004', severity: 'critical' });
    const ranks = groups.map((g) => ['info', 'low', 'medium', 'high', 'critical'].indexOf(g.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it('collapses the baseline rules of 16 containers: 139 container findings in 13 groups', () => {
    const container = groups.filter((g) => g.ruleId.startsWith('CT'));
    expect(container.reduce((n, g) => n + g.members.length, 0)).toBe(139);
    expect(container).toHaveLength(13);
    const memory = groups.find((g) => g.ruleId === 'CT013')!;
    expect(memory.targetCount).toBe(FLEET_CONTAINERS - 1);
    // members follow the targets' worst-first order
    expect(memory.members[0]!.target.name).toMatch(/^report-(priv|sock)$/);
  });

  it('a rule that fires twice on one target at different severities makes two groups, counted once each', () => {
    const hs001 = groups.filter((g) => g.ruleId === 'HS001');
    expect(hs001.map((g) => g.severity)).toEqual(['high', 'medium']);
    expect(hs001.map((g) => g.targetCount)).toEqual([1, 1]);
  });
});

describe('checks passed', () => {
  it('lists every evaluated rule with no finding, with how many targets it ran on, in CIS order', () => {
    const passed = passedChecks(fleetReport())!;
    const ids = passed.map((p) => p.rule.id);
    const fired = new Set(fleetReport().targets.flatMap((t) => t.findings.map((f) => f.ruleId)));
    const expected = containerRules.map((r) => r.meta.id).filter((id) => !fired.has(id));
    for (const id of expected) expect(ids).toContain(id);
    for (const id of fired) expect(ids).not.toContain(id);
    expect(passed.find((p) => p.rule.id === 'CT002')!.checked).toEqual({ container: FLEET_CONTAINERS });
    const cis = passed.map((p) => p.rule.cis?.[0]).filter((c): c is string => c !== undefined);
    expect(cis).toEqual([...cis].sort(compareCisIds));
    // rules without a CIS id come after the ones with one
    const firstWithout = passed.findIndex((p) => !p.rule.cis?.length);
    if (firstWithout >= 0) expect(passed.slice(firstWithout).every((p) => !p.rule.cis?.length)).toBe(true);
  });

  it('is unknown for a report that does not record what was evaluated (an older one)', () => {
    const r = fleetReport();
    for (const t of r.targets) delete t.evaluated;
    expect(passedChecks(r)).toBeUndefined();
  });

  it('buildReport keeps the metadata of evaluated rules, also those without a finding', () => {
    const r = fleetReport();
    expect(r.evaluatedRules!.find((x) => x.id === 'CT002')).toMatchObject({ id: 'CT002', target: 'container', title: ALL_RULES.find((x) => x.id === 'CT002')!.title });
    expect(r.rules.find((x) => x.id === 'CT002')).toBeUndefined();
    expect(buildReport('audit dockerfile', [], ALL_RULES).evaluatedRules).toBeUndefined();
  });

  it('a rule disabled by the config is not a pass, nor is one whose only finding was ignored', () => {
    const r = fleetReport();
    applyAuditConfig(r, { ...EMPTY_CONFIG, disabled: ['CT002'], ignores: [{ rule: 'CT001', target: 'report-priv', reason: 'accepted: CI runner needs it' }] });
    expect(r.targets.flatMap((t) => t.findings).some((f) => f.ruleId === 'CT001')).toBe(false);
    const passed = passedChecks(r)!.map((p) => p.rule.id);
    expect(passed).not.toContain('CT002');
    expect(passed).not.toContain('CT001');
    expect(r.evaluatedRules!.map((x) => x.id)).not.toContain('CT002');
    expect(r.targets.find((t) => t.name === 'report-priv')!.accepted).toEqual(['CT001']);
    expect(r.targets.find((t) => t.name === 'report-sock')!.accepted).toBeUndefined();
  });
});

describe('report schema', () => {
  it('accepts what a target records about evaluated and accepted rules (JSON of the fleet report after a config)', () => {
    const schema = JSON.parse(readFileSync(new URL('../../../schemas/report.schema.json', import.meta.url), 'utf8'));
    const validate = new Ajv({ strict: true, allowUnionTypes: true, allErrors: true }).compile(schema);
    const r = fleetReport();
    applyAuditConfig(r, { ...EMPTY_CONFIG, ignores: [{ rule: 'CT001', target: 'report-priv', reason: 'accepted for the CI runner' }] });
    const json = JSON.parse(JSON.stringify(r));
    validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(json.targets[1].evaluated.length).toBeGreaterThan(0);
    json.targets[1].evaluated = ['not an id'];
    expect(validate(json)).toBe(false);
  });
});

describe('CIS ids', () => {
  it('compare part by part as numbers', () => {
    expect(['5.10', '5.9', '1.1.2', '5.1', '2.14', '2.2'].sort(compareCisIds)).toEqual(['1.1.2', '2.2', '2.14', '5.1', '5.9', '5.10']);
  });
});
