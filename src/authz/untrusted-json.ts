/**
 * A request body is untrusted input handed to us by dockerd: parse it the strict way before any
 * rule reads it. dockerd decodes it with Go's encoding/json, which matches keys case-insensitively
 * and, for a repeated object key, decodes the second object INTO the first (fields of both survive),
 * where JSON.parse keeps only the last. So a body with a repeated or case-folded key means
 * something else to dockerd than to us: it is refused, as are bodies too big, too deep or not UTF-8.
 */

export const BODY_LIMITS = {
  /** dockerd forwards at most 1 MiB of body to plugins (pkg/authorization maxBodySize) */
  maxBytes: 1024 * 1024,
  maxDepth: 32,
  maxArrayItems: 10_000,
  maxObjectKeys: 1_000,
} as const;

export type UntrustedJson = { ok: true; value: unknown } | { ok: false; problem: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes -> JSON value, or the first reason it is refused. Never throws; work is linear in the size. */
export function parseUntrustedJson(bytes: Uint8Array): UntrustedJson {
  if (bytes.length > BODY_LIMITS.maxBytes) return { ok: false, problem: `body is ${bytes.length} bytes, over the ${BODY_LIMITS.maxBytes}-byte cap` };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, problem: 'body is not valid UTF-8' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `body is not JSON (${err instanceof RangeError ? 'nested too deeply' : 'syntax error'})` };
  }
  const problem = structureProblem(text);
  return problem ? { ok: false, problem } : { ok: true, value };
}

/**
 * One object or array being scanned. Keys are kept as their [start, end) offsets in the text
 * (an escaped key, rare, as its decoded string): slicing and lower-casing every key, with a Set per
 * object, was most of what a request allocated, and every young-generation GC pause it caused
 * delayed the requests in flight. Levels are pooled by depth; the scan is not re-entrant.
 */
interface Level {
  isObject: boolean;
  count: number;
  starts: number[];
  ends: number[];
  /** escaped keys, decoded; their entries in starts/ends are -1 - index */
  decoded: string[];
}
const levels: Level[] = [];

function levelAt(depth: number, isObject: boolean): Level {
  let l = levels[depth];
  if (!l) {
    l = { isObject, count: 0, starts: [], ends: [], decoded: [] };
    levels[depth] = l;
  }
  l.isObject = isObject;
  l.count = isObject ? 0 : 1;
  l.starts.length = 0;
  l.ends.length = 0;
  l.decoded.length = 0;
  return l;
}

/** ASCII case folding, as Go's encoding/json compares field names (other characters are refused before this). */
const fold = (c: number): number => (c >= 0x41 && c <= 0x5a ? c | 0x20 : c);

function sameKey(text: string, l: Level, i: number, start: number, end: number, decoded: string | undefined): boolean {
  const s = l.starts[i]!;
  const other = s < 0 ? l.decoded[-1 - s]! : undefined;
  const otherLen = other !== undefined ? other.length : l.ends[i]! - s;
  const len = decoded !== undefined ? decoded.length : end - start;
  if (otherLen !== len) return false;
  for (let k = 0; k < len; k++) {
    const a = decoded !== undefined ? decoded.charCodeAt(k) : text.charCodeAt(start + k);
    const b = other !== undefined ? other.charCodeAt(k) : text.charCodeAt(s + k);
    if (a !== b && fold(a) !== fold(b)) return false;
  }
  return true;
}

/**
 * Checks what JSON.parse cannot tell: repeated keys (compared as Go compares them, ASCII case
 * folded), non-ASCII keys (Go also folds some, e.g. U+017F to s, so they are refused outright),
 * depth and sizes. Runs over text JSON.parse already accepted, so only strings need care.
 */
function structureProblem(text: string): string | undefined {
  let depth = 0;
  let top: Level | undefined;
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      let printable = true;
      while (j < n && text.charCodeAt(j) !== 0x22) {
        const c = text.charCodeAt(j);
        if (c === 0x5c) {
          escaped = true;
          j++;
        } else if (c < 0x20 || c > 0x7e) printable = false;
        j++;
      }
      if (expectKey && top?.isObject) {
        const decoded = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : undefined;
        if (decoded !== undefined ? /[^\x20-\x7e]/.test(decoded) : !printable) return `key ${JSON.stringify(decoded ?? text.slice(i + 1, j))} is not printable ASCII`;
        for (let k = 0; k < top.starts.length; k++) {
          if (sameKey(text, top, k, i + 1, j, decoded)) return `key "${decoded ?? text.slice(i + 1, j)}" appears twice in one object (keys are compared without case, as dockerd does)`;
        }
        if (decoded !== undefined) {
          top.starts.push(-1 - top.decoded.length);
          top.ends.push(-1);
          top.decoded.push(decoded);
        } else {
          top.starts.push(i + 1);
          top.ends.push(j);
        }
        if (top.starts.length > BODY_LIMITS.maxObjectKeys) return `an object has more than ${BODY_LIMITS.maxObjectKeys} keys`;
        expectKey = false;
      }
      i = j;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (depth >= BODY_LIMITS.maxDepth) return `body nests deeper than ${BODY_LIMITS.maxDepth} levels`;
      top = levelAt(depth++, ch === 0x7b);
      expectKey = ch === 0x7b;
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--;
      top = depth > 0 ? levels[depth - 1] : undefined;
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      if (top?.isObject) expectKey = true;
      else if (top && ++top.count > BODY_LIMITS.maxArrayItems) return `an array has more than ${BODY_LIMITS.maxArrayItems} items`;
    }
  }
  return undefined;
}
