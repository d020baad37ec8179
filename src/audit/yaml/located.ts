import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { BulkheadError } from '../../errors.js';

/**
 * YAML as a tree of values that each know where they were written: compose and Kubernetes
 * findings point at the file:line:column of the field, so the adapters read this tree, not
 * plain JSON. Anchors, aliases and `<<` merge keys are resolved here, once, with bounds.
 */
export interface YLoc {
  file: string;
  line: number;
  column: number;
}

export interface YScalar {
  kind: 'scalar';
  loc: YLoc;
  value: string | number | boolean | null;
  /** an explicit tag such as compose's !reset / !override */
  tag?: string;
}
export interface YSeq {
  kind: 'seq';
  loc: YLoc;
  items: YValue[];
  tag?: string;
}
export interface YEntry {
  key: string;
  keyLoc: YLoc;
  value: YValue;
}
export interface YMap {
  kind: 'map';
  loc: YLoc;
  /** insertion order kept; a later duplicate key replaces an earlier one (as `yaml` with uniqueKeys off) */
  entries: Map<string, YEntry>;
  tag?: string;
}
export type YValue = YScalar | YSeq | YMap;

/** Larger files are refused before parsing: the Kubernetes API refuses requests over 3 MiB, compose files are far smaller. */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;
/** Aliases a document may use; the `yaml` package's resource-exhaustion guard applies on top. */
const MAX_ALIAS_COUNT = 1000;
/** Nodes one file may expand to, aliases and merge keys included: bounds memory whatever the input. */
const MAX_NODES = 2_000_000;

/** A problem with an input file, with where it is: printed as one line, `file:line:column: message`. */
export class InputError extends BulkheadError {
  constructor(
    readonly where: YLoc | { file: string; line?: number; column?: number },
    readonly detail: string,
  ) {
    super('invalid-input', `${where.file}${where.line ? `:${where.line}` : ''}${where.line && where.column ? `:${where.column}` : ''}: ${detail}`);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

interface Budget {
  nodes: number;
  /** runs the `yaml` package's alias-bomb guard on the document, once, when the first alias is met */
  guardAliases: () => void;
}

function convert(node: unknown, doc: Document, file: string, lc: LineCounter, budget: Budget, depth: number): YValue {
  if (++budget.nodes > MAX_NODES) throw new InputError({ file }, `YAML expands to more than ${MAX_NODES} nodes (alias bomb?)`);
  if (depth > 200) throw new InputError({ file }, 'YAML nested more than 200 levels deep');
  const n = node as YamlNode | null;
  const at = (range: readonly number[] | null | undefined): YLoc => {
    const pos = range ? lc.linePos(range[0]!) : { line: 0, col: 0 };
    return { file, line: pos.line, column: pos.col };
  };
  if (n === null || n === undefined) return { kind: 'scalar', loc: { file, line: 0, column: 0 }, value: null };
  if (isAlias(n)) {
    budget.guardAliases();
    const target = n.resolve(doc);
    if (!target) throw new InputError(at(n.range), `alias *${n.source} has no anchor`);
    return convert(target, doc, file, lc, budget, depth + 1);
  }
  const tag = n.tag && !n.tag.startsWith('tag:yaml.org,2002:') ? { tag: n.tag } : {};
  if (isScalar(n)) {
    const v = n.value;
    const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : typeof v === 'bigint' ? Number(v) : String(v);
    return { kind: 'scalar', loc: at(n.range), value, ...tag };
  }
  if (isSeq(n)) return { kind: 'seq', loc: at(n.range), items: n.items.map((i) => convert(i, doc, file, lc, budget, depth + 1)), ...tag };
  if (isMap(n)) {
    const entries = new Map<string, YEntry>();
    const merged: YMap[] = [];
    for (const pair of n.items) {
      const k = pair.key as YamlNode | null;
      if (isScalar(k) && (k.source === '<<' || k.value === '<<') && !k.tag) {
        // YAML 1.1 merge key: the maps given merge in, keys written here win
        const v = convert(pair.value, doc, file, lc, budget, depth + 1);
        const sources = v.kind === 'seq' ? v.items : [v];
        for (const s of sources) {
          if (s.kind !== 'map') throw new InputError(s.loc, 'a merge key (<<) takes a mapping or a list of mappings');
          merged.push(s);
        }
        continue;
      }
      if (!isScalar(k)) throw new InputError(at(k?.range), 'mapping keys must be plain scalars');
      const key = String(k.value);
      entries.set(key, { key, keyLoc: at(k.range), value: convert(pair.value, doc, file, lc, budget, depth + 1) });
    }
    // earlier merge sources win over later ones, explicit keys over all
    for (const m of merged.reverse()) for (const [key, e] of m.entries) if (!entries.has(key)) entries.set(key, e);
    return { kind: 'map', loc: at(n.range), entries, ...tag };
  }
  throw new InputError(at((n as { range?: number[] }).range), 'unsupported YAML node');
}

/** Every document of a YAML text, located. Throws InputError (one line, with file:line) on anything malformed. */
export function parseYamlDocuments(text: string, file: string): YValue[] {
  if (Buffer.byteLength(text) > MAX_YAML_BYTES) throw new InputError({ file }, `file is over ${MAX_YAML_BYTES / 1024 / 1024} MiB`);
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, merge: true, uniqueKeys: false, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: YValue[] = [];
  const budget: Budget = { nodes: 0, guardAliases: () => undefined };
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const pos = lc.linePos(err.pos[0]);
      throw new InputError({ file, line: pos.line, column: pos.col }, `invalid YAML: ${firstLine(err.message)}`);
    }
    if (doc.contents === null) continue;
    let guarded = false;
    // the `yaml` package's own guard against alias bombs, before this walk expands the first alias
    // (most manifests have none, and the guard costs a second pass)
    budget.guardAliases = () => {
      if (guarded) return;
      guarded = true;
      try {
        doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
      } catch (e) {
        if (e instanceof ReferenceError || e instanceof RangeError) throw new InputError({ file }, `YAML uses too many aliases (${firstLine(e.message)})`);
        throw new InputError({ file }, `invalid YAML: ${firstLine((e as Error).message)}`);
      }
    };
    out.push(convert(doc.contents, doc, file, lc, budget, 0));
  }
  return out;
}

// Small readers the adapters share: each returns undefined when the field is absent and throws
// an InputError with the node's location when it has the wrong type.

export function field(m: YMap | undefined, key: string): YValue | undefined {
  const v = m?.entries.get(key)?.value;
  return v && !(v.kind === 'scalar' && v.value === null && !v.tag) ? v : undefined;
}

function kindName(v: YValue): string {
  return v.kind === 'scalar' ? (v.value === null ? 'null' : typeof v.value) : v.kind === 'seq' ? 'a list' : 'a mapping';
}

export function asMap(v: YValue | undefined, what: string): YMap | undefined {
  if (v === undefined) return undefined;
  if (v.kind !== 'map') throw new InputError(v.loc, `${what} must be a mapping, not ${kindName(v)}`);
  return v;
}

export function asSeq(v: YValue | undefined, what: string): YSeq | undefined {
  if (v === undefined) return undefined;
  if (v.kind !== 'seq') throw new InputError(v.loc, `${what} must be a list, not ${kindName(v)}`);
  return v;
}

export function asScalar(v: YValue | undefined, what: string): YScalar | undefined {
  if (v === undefined) return undefined;
  if (v.kind !== 'scalar') throw new InputError(v.loc, `${what} must be a single value, not ${kindName(v)}`);
  return v;
}

export function asString(v: YValue | undefined, what: string): string | undefined {
  const s = asScalar(v, what);
  return s === undefined || s.value === null ? undefined : String(s.value);
}

export function asBool(v: YValue | undefined, what: string): boolean | undefined {
  const s = asScalar(v, what);
  if (s === undefined || s.value === null) return undefined;
  if (typeof s.value === 'boolean') return s.value;
  if (s.value === 'true') return true;
  if (s.value === 'false') return false;
  throw new InputError(s.loc, `${what} must be true or false, not ${JSON.stringify(s.value)}`);
}

export function asNumber(v: YValue | undefined, what: string): number | undefined {
  const s = asScalar(v, what);
  if (s === undefined || s.value === null) return undefined;
  const n = typeof s.value === 'number' ? s.value : typeof s.value === 'string' && /^-?\d+(\.\d+)?$/.test(s.value.trim()) ? Number(s.value) : NaN;
  if (!Number.isFinite(n)) throw new InputError(s.loc, `${what} must be a number, not ${JSON.stringify(s.value)}`);
  return n;
}

export function stringList(v: YValue | undefined, what: string): Array<{ value: string; loc: YLoc }> {
  const seq = asSeq(v, what);
  return (seq?.items ?? []).map((i) => ({ value: asString(i, `${what} item`) ?? '', loc: i.loc }));
}

/** Plain JS of a located value (for fields passed through untouched). */
export function toPlain(v: YValue): unknown {
  if (v.kind === 'scalar') return v.value;
  if (v.kind === 'seq') return v.items.map(toPlain);
  return Object.fromEntries([...v.entries.values()].map((e) => [e.key, toPlain(e.value)]));
}
