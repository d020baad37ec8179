import { InputError, type YLoc, type YValue } from '../yaml/located.js';

/**
 * Compose variable interpolation (compose spec, "Interpolation"): $VAR, ${VAR},
 * ${VAR:-default} / ${VAR-default} (unset-or-empty / unset), ${VAR:?err} / ${VAR?err},
 * ${VAR:+alt} / ${VAR+alt}, defaults that nest further ${...}, and $$ for a literal $.
 * An unset variable without a default becomes "" (compose warns; the caller collects them).
 */
export type Lookup = (name: string) => string | undefined;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolateString(text: string, lookup: Lookup, loc: YLoc, unset: Set<string>): string {
  if (!text.includes('$')) return text;
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch !== '$') {
      out += ch;
      i += 1;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new InputError(loc, `invalid interpolation "${text.slice(i)}": no closing }`);
      out += expand(text.slice(i + 2, end), lookup, loc, unset);
      i = end + 1;
      continue;
    }
    const m = NAME.exec(text.slice(i + 1));
    if (m) {
      const v = lookup(m[0]);
      if (v === undefined) unset.add(m[0]);
      out += v ?? '';
      i += 1 + m[0].length;
      continue;
    }
    // a lone $ (e.g. "cost $5") is kept, as compose does
    out += '$';
    i += 1;
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      depth += 1;
      i += 1;
    } else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function expand(inner: string, lookup: Lookup, loc: YLoc, unset: Set<string>): string {
  const m = NAME.exec(inner);
  if (!m) throw new InputError(loc, `invalid interpolation "\${${inner}}": expected a variable name`);
  const name = m[0];
  const rest = inner.slice(name.length);
  const value = lookup(name);
  if (rest === '') {
    if (value === undefined) unset.add(name);
    return value ?? '';
  }
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) throw new InputError(loc, `invalid interpolation "\${${inner}}"`);
  const arg = rest.slice(op.length);
  const missing = op.startsWith(':') ? value === undefined || value === '' : value === undefined;
  switch (op.replace(':', '')) {
    case '-':
      return missing ? interpolateString(arg, lookup, loc, unset) : value!;
    case '+':
      return missing ? '' : interpolateString(arg, lookup, loc, unset);
    default: {
      if (!missing) return value!;
      const why = interpolateString(arg, lookup, loc, unset);
      throw new InputError(loc, `required variable ${name} is ${value === undefined ? 'not set' : 'empty'}${why ? `: ${why}` : ''}`);
    }
  }
}

/** Interpolates every string scalar of a tree (keys stay as written, as compose does). */
export function interpolateTree(v: YValue, lookup: Lookup, unset: Set<string>): YValue {
  if (v.kind === 'scalar') {
    return typeof v.value === 'string' ? { ...v, value: interpolateString(v.value, lookup, v.loc, unset) } : v;
  }
  if (v.kind === 'seq') return { ...v, items: v.items.map((i) => interpolateTree(i, lookup, unset)) };
  const entries = new Map([...v.entries].map(([k, e]) => [k, { ...e, value: interpolateTree(e.value, lookup, unset) }]));
  return { ...v, entries };
}

/** A .env file as compose reads it: KEY=VALUE lines, # comments, optional `export `, quotes stripped. */
export function parseDotEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!;
    const q = value[0];
    if ((q === '"' || q === "'") && value.length >= 2 && value.endsWith(q)) {
      value = value.slice(1, -1);
      if (q === '"') value = value.replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    } else {
      // an unquoted value ends at " #"
      value = value.replace(/\s+#.*$/, '');
    }
    out.set(m[1]!, value);
  }
  return out;
}
