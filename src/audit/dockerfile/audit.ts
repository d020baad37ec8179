import { dirname } from 'node:path';
import type { Finding, TargetError, TargetResult } from '../model.js';
import { fingerprint } from '../report/build.js';
import type { Rule } from '../rules/rule.js';
import { dockerfileRules } from '../rules/dockerfile/index.js';
import { unusedSuppression } from '../rules/dockerfile/unused-suppression.js';
import type { DockerfileFacts, DockerfileSettings } from './facts.js';
import { parseDockerfile } from './parse.js';
import { buildContextFacts, collectInputs, readInput, STDIN_NAME, unknownContext, type DockerfileInput } from './read.js';
import { contextSources } from './secret-files.js';

export interface DockerfileAuditOptions {
  cwd: string;
  /** stdin's bytes, read by the caller when "-" is among the inputs */
  stdin?: Buffer;
  settings: DockerfileSettings;
  /** the build context directory (absolute) for every input; default: each Dockerfile's directory */
  contextDir?: string;
  /** defaults to every Dockerfile rule */
  rules?: ReadonlyArray<Rule<DockerfileFacts>>;
}

/** Runs the rules over one file's facts, applies inline suppressions, then reports unused ones. */
export function runDockerfileRules(facts: DockerfileFacts, rules: ReadonlyArray<Rule<DockerfileFacts>> = dockerfileRules): { findings: Finding[]; errors: TargetError[]; evaluated: string[] } {
  const findings: Finding[] = [];
  const errors: TargetError[] = [];
  const evaluated: string[] = [];
  const seenKeys = new Map<string, number>();
  const toFinding = (rule: Rule<DockerfileFacts>, d: ReturnType<Rule<DockerfileFacts>['check']>[number]): Finding => {
    const base = d.key ?? `${d.location?.stage ?? ''}|${d.message}`;
    const n = (seenKeys.get(`${rule.meta.id}|${base}`) ?? 0) + 1;
    seenKeys.set(`${rule.meta.id}|${base}`, n);
    return {
      ruleId: rule.meta.id,
      severity: d.severity ?? rule.meta.severity,
      message: d.message,
      location: { path: facts.path, ...d.location },
      ...(d.evidence ? { evidence: d.evidence } : {}),
      fingerprint: fingerprint(rule.meta.id, facts.path, base, n),
    };
  };
  const run = (rule: Rule<DockerfileFacts>): void => {
    try {
      for (const d of rule.check(facts)) findings.push(toFinding(rule, d));
      evaluated.push(rule.meta.id);
    } catch (err) {
      // one broken rule must not hide the others' findings
      errors.push({ message: `rule ${rule.meta.id} failed: ${(err as Error).message}`, location: { path: facts.path } });
    }
  };
  for (const rule of rules) if (rule !== unusedSuppression) run(rule);

  // A suppression covers findings on the instruction that follows it (any of its lines).
  const instructionStart = (line: number): number | undefined => facts.instructions.find((i) => line >= i.line && line <= i.endLine)?.line;
  const kept = facts.suppressions.length === 0 ? findings.slice() : findings.filter((f) => {
    const line = f.location?.line;
    if (line === undefined) return true;
    const start = instructionStart(line) ?? line;
    const s = facts.suppressions.find((x) => x.appliesTo === start && x.reason !== '' && x.ids.includes(f.ruleId));
    if (!s) return true;
    if (!s.used.includes(f.ruleId)) s.used.push(f.ruleId);
    return false;
  });
  findings.length = 0;
  findings.push(...kept);
  if (rules.includes(unusedSuppression)) run(unusedSuppression);
  return { findings, errors, evaluated };
}

function auditOne(input: DockerfileInput, options: DockerfileAuditOptions): TargetResult {
  const target: TargetResult = { kind: 'dockerfile', name: input.name === STDIN_NAME ? '<stdin>' : input.name, findings: [], errors: [] };
  if (input.error) {
    target.errors.push({ message: input.error, location: { path: target.name } });
    return target;
  }
  const read = readInput(input, options.stdin);
  if (!read.ok) {
    target.errors.push({ message: read.message, location: { path: target.name, ...(read.line ? { line: read.line } : {}) } });
    return target;
  }
  if (read.warning) target.errors.push({ message: read.warning.message, location: { path: target.name, ...(read.warning.line ? { line: read.warning.line } : {}) } });
  let parsed: ReturnType<typeof parseDockerfile>;
  try {
    parsed = parseDockerfile(read.text, target.name, undefined, options.settings);
  } catch (err) {
    // the parsers are third-party code: a surprise there is this file's problem, not the run's
    target.errors.push({ message: `cannot parse: ${(err as Error).message.split('\n')[0]}`, location: { path: target.name } });
    return target;
  }
  // the context is read after parsing, for what the Dockerfile copies only (most COPYs name no secret)
  const contextDir = options.contextDir ?? (input.path ? dirname(input.path) : undefined);
  parsed.facts.context = contextDir
    ? buildContextFacts(contextDir, input.path, options.cwd, contextSources(parsed.facts))
    : unknownContext('the Dockerfile was read from stdin and no --context was given');
  target.errors.push(...parsed.errors);
  const { findings, errors, evaluated } = runDockerfileRules(parsed.facts, options.rules);
  target.findings = findings;
  target.evaluated = evaluated;
  target.errors.push(...errors);
  target.properties = { audited: true, stages: parsed.facts.stages.length, instructions: parsed.facts.instructions.length };
  return target;
}

/** Audits every Dockerfile the arguments name (files, directories searched, "-" for stdin). */
export function auditDockerfiles(args: string[], options: DockerfileAuditOptions): TargetResult[] {
  return collectInputs(args, options.cwd).map((input) => auditOne(input, options));
}
