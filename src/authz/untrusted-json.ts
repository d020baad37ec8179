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

type Level = { keys: Set<string>; count: number } | { keys: undefined; count: number };

/**
 * Checks what JSON.parse cannot tell: repeated keys (compared as Go compares them, ASCII case
 * folded), non-ASCII keys (Go also folds some, e.g. U+017F to s, so they are refused outright),
 * depth and sizes. Runs over text JSON.parse already accepted, so only strings need care.
 */
function structureProblem(text: string): string | undefined {
  const stack: Level[] = [];
  let expectKey = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      while (j < n && text.charCodeAt(j) !== 0x22) {
        if (text.charCodeAt(j) === 0x5c) {
          escaped = true;
          j++;
        }
        j++;
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.keys) {
        const raw = text.slice(i + 1, j);
        const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (/[^\x20-\x7e]/.test(key)) return `key ${JSON.stringify(key)} is not printable ASCII`;
        const folded = key.toLowerCase();
        if (top.keys.has(folded)) return `key "${key}" appears twice in one object (keys are compared without case, as dockerd does)`;
        top.keys.add(folded);
        if (top.keys.size > BODY_LIMITS.maxObjectKeys) return `an object has more than ${BODY_LIMITS.maxObjectKeys} keys`;
        expectKey = false;
      }
      i = j;
    } else if (ch === 0x7b /* { */ || ch === 0x5b /* [ */) {
      if (stack.length >= BODY_LIMITS.maxDepth) return `body nests deeper than ${BODY_LIMITS.maxDepth} levels`;
      stack.push(ch === 0x7b ? { keys: new Set(), count: 0 } : { keys: undefined, count: 1 });
      expectKey = ch === 0x7b;
    } else if (ch === 0x7d || ch === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (ch === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.keys) expectKey = true;
      else if (top && ++top.count > BODY_LIMITS.maxArrayItems) return `an array has more than ${BODY_LIMITS.maxArrayItems} items`;
    }
  }
  return undefined;
}
