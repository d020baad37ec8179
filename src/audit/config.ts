import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { BulkheadError } from '../errors.js';
import type { Finding, Report, Severity } from './model.js';
import { findRule } from './rules/registry.js';

export const CONFIG_FILE_NAME = '.bulkhead.yaml';

export interface ConfigIgnore {
  rule: string;
  path?: string;
  target?: string;
  reason: string;
  /** YYYY-MM-DD, inclusive: the ignore applies through this day */
  until?: string;
  /** where the entry is, for messages */
  line?: number;
}

/** The validated project config; every field has a value (empty when the file says nothing). */
export interface AuditConfig {
  /** the file it came from, or undefined for the empty default */
  source?: string;
  severity: Record<string, Severity>;
  disabled: string[];
  ignores: ConfigIgnore[];
  trustedRegistries: string[];
}

export const EMPTY_CONFIG: AuditConfig = { severity: {}, disabled: [], ignores: [], trustedRegistries: [] };

interface RawConfig {
  version?: 1;
  rules?: Record<string, Severity | 'off'>;
  ignores?: Array<{ rule: string; path?: string; target?: string; reason: string; until?: string }>;
  trustedRegistries?: string[];
}

let compiled: ValidateFunction<RawConfig> | undefined;
/**
 * Compiled on first use: most audits run without a config file, and compiling (plus checking
 * the schema against the draft-07 meta-schema, ~30 ms) would be paid by every run. The schema
 * itself is checked against the meta-schema in test/audit/report/config.test.ts.
 */
function validateRaw(data: unknown): data is RawConfig {
  if (!compiled) {
    // read from the package root: the same relative path from src/ and dist/
    const schema = JSON.parse(readFileSync(new URL('../../schemas/config.schema.json', import.meta.url), 'utf8')) as object;
    compiled = new Ajv({ allErrors: true, strict: true, validateSchema: false }).compile<RawConfig>(schema);
  }
  return compiled(data);
}

function describeAjvError(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'required') return `missing required field "${(e.params as { missingProperty: string }).missingProperty}"`;
  if (e.keyword === 'enum') return `${e.message ?? 'invalid'}: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  if (e.keyword === 'pattern' && e.instancePath.endsWith('/until')) return 'must be a date written YYYY-MM-DD';
  return e.message ?? 'invalid';
}

/** Field path "/ignores/0/reason" -> "ignores[0].reason", the way people read it. */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}

function isValidDay(day: string): boolean {
  const d = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === day;
}

/** Parses and validates config text; every error names the file, the field path and the line. */
export function parseAuditConfig(text: string, file: string): AuditConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (path: Array<string | number>): number | undefined => {
    const node = path.length ? doc.getIn(path, true) : doc.contents;
    const offset = isNode(node) && node.range ? node.range[0] : undefined;
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  const fail = (message: string, line?: number): never => {
    throw new BulkheadError('invalid-input', `${file}${line ? `:${line}` : ''}: ${message}`);
  };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    fail(`not valid YAML: ${e.message.split('\n')[0]}`, lineCounter.linePos(e.pos[0]).line);
  }
  const data: unknown = doc.toJS() ?? {};
  if (!validateRaw(data)) {
    const e = compiled!.errors![0]!;
    const path: Array<string | number> = e.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    // point at the offending key itself, not at the mapping that holds it
    if (e.keyword === 'additionalProperties') path.push((e.params as { additionalProperty: string }).additionalProperty);
    const where = fieldPath(e.instancePath);
    fail(`${where ? `${where}: ` : ''}${describeAjvError(e)}`, lineOf(path));
  }
  const raw = data as RawConfig;
  const config: AuditConfig = { source: file, severity: {}, disabled: [], ignores: [], trustedRegistries: raw.trustedRegistries ?? [] };
  for (const [key, value] of Object.entries(raw.rules ?? {})) {
    const rule = findRule(key);
    if (!rule) fail(`rules.${key}: no rule has this id or slug (see bulkhead rules list)`, lineOf(['rules', key]));
    const id = rule!.id;
    if (value === 'off') config.disabled.push(id);
    else config.severity[id] = value;
  }
  (raw.ignores ?? []).forEach((ig, i) => {
    const rule = findRule(ig.rule);
    if (!rule) fail(`ignores[${i}].rule: no rule has the id or slug "${ig.rule}"`, lineOf(['ignores', i, 'rule']));
    if (ig.until !== undefined && !isValidDay(ig.until)) fail(`ignores[${i}].until: ${ig.until} is not a calendar day`, lineOf(['ignores', i, 'until']));
    if (ig.reason.trim().length < 3) fail(`ignores[${i}].reason: say why the finding is accepted`, lineOf(['ignores', i, 'reason']));
    config.ignores.push({ ...ig, rule: rule!.id, line: lineOf(['ignores', i]) });
  });
  return config;
}

/**
 * The config for an audit: --config FILE when given (must exist), else ./.bulkhead.yaml in
 * the working directory when present, else the empty config.
 */
export function loadAuditConfig(explicitPath: string | undefined, cwd: string = process.cwd()): AuditConfig {
  const path = explicitPath ?? (existsSync(resolve(cwd, CONFIG_FILE_NAME)) ? CONFIG_FILE_NAME : undefined);
  if (path === undefined) return EMPTY_CONFIG;
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (err) {
    throw new BulkheadError('usage', `--config ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseAuditConfig(text, path);
}

/** `**` spans directories, `*` and `?` stay within one path segment; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function normalisePath(p: string): string {
  return p.replaceAll('\\', '/').replace(/^\.\//, '');
}

export interface ConfigOutcome {
  /** ignores whose until day has passed: they no longer apply */
  expired: ConfigIgnore[];
  /** ignores that matched no finding in this report */
  unused: ConfigIgnore[];
  suppressed: number;
}

/**
 * Applies disabled rules, severity overrides and ignores to a report, in place. Severity
 * overrides come before ignores so an ignore never depends on severity.
 */
export function applyAuditConfig(report: Report, config: AuditConfig, now: Date = new Date()): ConfigOutcome {
  const today = now.toISOString().slice(0, 10);
  const active = config.ignores.filter((ig) => ig.until === undefined || ig.until >= today);
  const expired = config.ignores.filter((ig) => ig.until !== undefined && ig.until < today);
  const used = new Set<ConfigIgnore>();
  let suppressed = 0;
  const disabled = new Set(config.disabled);
  const matchers = active.map((ig) => ({
    ig,
    path: ig.path === undefined ? undefined : globToRegExp(normalisePath(ig.path)),
    target: ig.target === undefined ? undefined : globToRegExp(ig.target),
  }));
  for (const t of report.targets) {
    const targetName = normalisePath(t.name);
    const keep = (f: Finding): boolean => {
      if (disabled.has(f.ruleId)) return false;
      const override = config.severity[f.ruleId];
      if (override) f.severity = override;
      const filePath = normalisePath(f.location?.path ?? t.name);
      const hit = matchers.find(
        (m) => m.ig.rule === f.ruleId && (!m.target || m.target.test(targetName)) && (!m.path || m.path.test(filePath) || m.path.test(targetName)),
      );
      if (!hit) return true;
      used.add(hit.ig);
      suppressed++;
      return false;
    };
    const before = t.findings.filter((f) => !disabled.has(f.ruleId));
    t.findings = t.findings.filter(keep);
    // a disabled rule was not checked; an ignored finding is accepted, which is not a pass
    if (t.evaluated) t.evaluated = t.evaluated.filter((id) => !disabled.has(id));
    const accepted = [...new Set(before.filter((f) => !t.findings.includes(f)).map((f) => f.ruleId))];
    if (accepted.length) t.accepted = [...new Set([...(t.accepted ?? []), ...accepted])].sort();
  }
  if (report.evaluatedRules) report.evaluatedRules = report.evaluatedRules.filter((r) => !disabled.has(r.id));
  const present = new Set(report.targets.flatMap((t) => t.findings.map((f) => f.ruleId)));
  report.rules = report.rules.filter((r) => present.has(r.id) || report.targets.some((t) => t.fixed?.some((f) => f.ruleId === r.id)));
  return { expired, unused: active.filter((ig) => !used.has(ig)), suppressed };
}
