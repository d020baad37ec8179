import { parseDockerfile } from '../../../src/audit/dockerfile/parse.js';
import { runDockerfileRules } from '../../../src/audit/dockerfile/audit.js';
import type { BuildContextFacts, DockerfileSettings } from '../../../src/audit/dockerfile/facts.js';
import { dockerfileRules } from '../../../src/audit/rules/dockerfile/index.js';
import type { Finding } from '../../../src/audit/model.js';

export const NOW = new Date('2026-11-23T12:00:00Z');
export const SAFE_CONTEXT: BuildContextFacts = { dir: '.', dockerignore: '.dockerignore', secretPathsNotIgnored: [], secretFilesPresent: [], sources: {} };

/** A context with these parts changed (the rest as SAFE_CONTEXT, but without a .dockerignore unless given). */
export function context(parts: Partial<BuildContextFacts>): BuildContextFacts {
  return { dir: '.', secretPathsNotIgnored: [], secretFilesPresent: [], sources: {}, ...parts };
}

export interface CheckOptions {
  context?: BuildContextFacts;
  settings?: Partial<DockerfileSettings>;
  /** other rules to run alongside (e.g. the rule an inline ignore names, for DF033) */
  alsoRun?: string[];
}

function fail(id: string): never {
  throw new Error(`no rule ${id}`);
}

/** Findings of one rule (by id) on a Dockerfile text, with the runner's suppression handling. */
export function findingsOf(id: string, text: string, options: CheckOptions = {}): Finding[] {
  const rules = [id, ...(options.alsoRun ?? [])].map((want) => dockerfileRules.find((r) => r.meta.id === want) ?? fail(want));
  const { facts } = parseDockerfile(text, 'Dockerfile', options.context ?? SAFE_CONTEXT, { trustedRegistries: [], now: NOW, ...options.settings });
  return runDockerfileRules(facts, rules).findings.filter((f) => f.ruleId === id);
}

/** All rules' findings, as the audit runs them. */
export function allFindings(text: string, options: CheckOptions = {}): Finding[] {
  const { facts } = parseDockerfile(text, 'Dockerfile', options.context ?? SAFE_CONTEXT, { trustedRegistries: [], now: NOW, ...options.settings });
  return runDockerfileRules(facts).findings;
}
