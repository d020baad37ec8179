/**
 * The shared secret detector: file contents (image layers, container filesystems) and
 * name=value assignments (Dockerfile ENV/ARG, image config Env, container env).
 *
 * Rules are data (./rules.ts). A keyword prefilter decides which rules' regexes run at all;
 * generic assignments go through classifyAssignment (names, placeholders, entropy). Nothing
 * here returns a secret in clear: every match carries only redact(secret).
 */
import { posix } from 'node:path';
import { severityRank, type Severity } from '../model.js';
import { redact } from './redact.js';
import { compileKeywords } from './keyword-automaton.js';
import { HISTORY_FILE_NAMES, SECRET_RULES, type SecretRule } from './rules.js';
import { fileContext, shebangOf, UNKNOWN_CONTEXT, type FileClass, type FileContext } from './file-context.js';

export { redact } from './redact.js';
export { SECRET_RULES, type SecretRule } from './rules.js';
export { fileContext, shebangOf, type FileContext, type FileClass } from './file-context.js';

export interface SecretMatch {
  /** stable, e.g. aws-access-key-id */
  kind: string;
  title: string;
  severity: Severity;
  /** prefix, length and short hash of the secret: never the secret */
  redacted: string;
  /** 1-based line of the match, when scanning text */
  line?: number;
  /** offsets of the whole match in the scanned text */
  start?: number;
  end?: number;
  /** the variable or key name, for assignments */
  name?: string;
  /** the file is a package's own test fixture or example (severity low; IM003 groups these per package) */
  fixture?: { package: string; dir: string };
  /** what the finding means where it is, when the title alone would mislead (SSH host keys) */
  note?: string;
}

/** Most matches a single text may report; a file full of tokens does not need 10k findings. */
const MAX_MATCHES_PER_TEXT = 50;

/**
 * The prefilter: every rule's keywords found in one pass (an Aho-Corasick automaton, see
 * keyword-automaton.ts); a rule's regex runs only when one of its keywords occurs. Measured
 * on 65 MB of source and docs: ~35 `includes` passes ran at ~70 MB/s, one combined
 * case-insensitive regex at ~190 MB/s, the automaton at ~450 MB/s.
 */
const KEYWORDS = [...new Set(SECRET_RULES.flatMap((r) => [...r.keywords, ...(r.companions ?? [])]))];
const AUTOMATON = compileKeywords(KEYWORDS);
/** Past this many hits of one keyword, a rule scans the whole text instead of windows around the hits. */
const MAX_WINDOWS = 4096;
/**
 * A window around a keyword hit: matches start at most this far before the keyword's end
 * (every regex starts with or just before its keyword: `-----BEGIN RSA PRIVATE KEY-----`)...
 */
const WINDOW_BEFORE = 64;
/** ...and end at most this far after it (tokens and values are < 300 characters; longer rules are wholeText). */
const WINDOW_AFTER = 320;

/** Keyword (lowercase) -> end offsets of its occurrences. */
type KeywordHits = Map<string, number[]>;

function prefilterHits(input: string | Uint8Array): KeywordHits {
  const hits: KeywordHits = new Map();
  for (const [id, ends] of AUTOMATON.positions(input, MAX_WINDOWS)) hits.set(KEYWORDS[id]!, ends);
  return hits;
}

/**
 * The stretches of text a rule's regex reads, as flat [start, end, start, end, ...]: windows
 * around its keyword hits (those its anchor keeps), or the whole text; undefined: none.
 */
function ruleWindows(rule: SecretRule, hits: KeywordHits, input: string | Uint8Array): number[] | undefined {
  const length = input.length;
  let lists = 0;
  let total = 0;
  let single: number[] | undefined;
  for (const k of rule.keywords) {
    const e = hits.get(k);
    if (!e) continue;
    lists++;
    total += e.length;
    single = e;
  }
  if (total === 0) return undefined;
  // past the cap the automaton stops recording, so the anchor cannot vet every hit: whole text
  if (rule.wholeText || total > MAX_WINDOWS) return [0, length];
  let ends: number[];
  if (lists === 1) {
    ends = single!; // one keyword: the automaton's order is already ascending
  } else {
    ends = [];
    for (const k of rule.keywords) for (const e of hits.get(k) ?? []) ends.push(e);
    ends.sort((x, y) => x - y);
  }
  const anchor = rule.anchor;
  const companions = anchor ? companionEnds(rule, hits, input) : undefined;
  const windows: number[] = [];
  for (const e of ends) {
    if (anchor && !anchor(input, e) && !companionNear(companions, e)) continue;
    const a = Math.max(0, e - WINDOW_BEFORE);
    const b = Math.min(length, e + WINDOW_AFTER);
    const n = windows.length;
    if (n > 0 && a <= windows[n - 1]!) windows[n - 1] = Math.max(windows[n - 1]!, b);
    else windows.push(a, b);
  }
  return windows.length > 0 ? windows : undefined;
}

/** Ends of the rule's companion spellings that pass its anchor; undefined: too many to vet (keep every window). */
function companionEnds(rule: SecretRule, hits: KeywordHits, input: string | Uint8Array): number[] | undefined {
  const ends: number[] = [];
  for (const k of rule.companions ?? []) {
    const list = hits.get(k);
    if (!list) continue;
    if (list.length > MAX_WINDOWS) return undefined;
    for (const e of list) if (rule.anchor!(input, e)) ends.push(e);
  }
  return ends;
}

/** Whether a companion hit lies in the window of the keyword ending at `e` (undefined: assume so). */
function companionNear(companions: number[] | undefined, e: number): boolean {
  if (companions === undefined) return true;
  for (const c of companions) if (c > e - WINDOW_BEFORE && c - 12 < e + WINDOW_AFTER) return true;
  return false;
}

/** Each rule's windows (see ruleWindows), and whether any rule has one (else no regex runs). */
interface RulePlan {
  windows: Array<number[] | undefined>;
  /** per rule: where its matches can start (see matchStarts), or undefined: scan the windows */
  starts: Array<number[] | undefined>;
  any: boolean;
}

function planRules(rules: readonly SecretRule[], hits: KeywordHits, input: string | Uint8Array): RulePlan {
  const windows: Array<number[] | undefined> = [];
  const starts: Array<number[] | undefined> = [];
  let any = false;
  if (hits.size === 0) return { windows, starts, any };
  for (const rule of rules) {
    const w = ruleWindows(rule, hits, input);
    windows.push(w);
    starts.push(w ? matchStarts(rule, hits) : undefined);
    if (w) any = true;
  }
  return { windows, starts, any };
}

/**
 * For a rule with an anchor or keywordFirst, every match starts at one of its keywords or
 * companions (see SecretRule.anchor), so the regex is tried there only (sticky), not at every position of its
 * windows: the same matches in the same order, since a scan from any position finds the first
 * of these starts where the regex matches. Undefined when a keyword's hits were capped.
 */
function matchStarts(rule: SecretRule, hits: KeywordHits): number[] | undefined {
  if (!(rule.anchor || rule.keywordFirst) || rule.wholeText) return undefined;
  const out: number[] = [];
  for (const list of [rule.keywords, rule.companions ?? []]) {
    for (const k of list) {
      const ends = hits.get(k);
      if (!ends) continue;
      if (ends.length > MAX_WINDOWS) return undefined;
      for (const e of ends) out.push(e - k.length);
    }
  }
  return out.sort((x, y) => x - y);
}

/**
 * The next match of sticky `re` in `sub` (the text's [a, b)), tried at each start in the window
 * from where the last match ended (re.lastIndex): what the global regex's scan finds there.
 */
function execAtStarts(re: RegExp, sub: string, a: number, b: number, starts: number[], cursor: { next: number }): RegExpExecArray | null {
  const from = a + re.lastIndex;
  let next = cursor.next;
  while (next < starts.length && starts[next]! < from) next++;
  for (; next < starts.length && starts[next]! < b; next++) {
    re.lastIndex = starts[next]! - a;
    const hit = re.exec(sub);
    if (hit) {
      cursor.next = next;
      return hit;
    }
  }
  cursor.next = next;
  return null;
}

/** The rule's regex without `g`, with `y`: matches only at lastIndex. */
const STICKY = new Map<SecretRule, RegExp>();
function stickyRegex(rule: SecretRule): RegExp {
  let re = STICKY.get(rule);
  if (!re) STICKY.set(rule, (re = new RegExp(rule.regex.source, `${rule.regex.flags.replace('g', '')}y`)));
  return re;
}

export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const PLACEHOLDER_WORDS = [
  'changeme', 'change_me', 'change-me', 'changeit', 'your', 'here', 'example', 'dummy', 'placeholder', 'sample',
  'fake', 'redacted', 'replace', 'insert', 'todo', 'fixme', 'xxxx', 'test', 'secret123', 'password123', 'foobar',
  '****', '....',
];
/** Words count only between non-letters, so random key material does not look like "your" or "test" by chance. */
const PLACEHOLDER_WORD_RE = new RegExp(`(?<![a-z])(?:${PLACEHOLDER_WORDS.map((w) => w.replace(/[.*]/g, '\\$&')).join('|')})(?![a-z])`);
const PLACEHOLDER_VALUES = new Set([
  'none', 'null', 'nil', 'true', 'false', 'yes', 'no', 'undefined', 'empty', 'default', 'required', 'optional',
  'string', 'str', 'secret', 'password', 'passwd', 'token', 'pass', 'key', 'value', 'foo', 'bar', 'xxx', 'abc', 'abc123',
]);

/** Values that stand in for a secret rather than being one: `changeme`, `<token>`, `xoxb-your-token-here`, `***`. */
export function isPlaceholder(value: string): boolean {
  const v = value.toLowerCase();
  if (PLACEHOLDER_VALUES.has(v)) return true;
  if (/^(.)\1*$/.test(v)) return true; // xxxxxxxx, ********, 00000000
  if (/^<[^>]*>$|^\[[^\]]*\]$|^\{\{.*\}\}$|^%[^%]*%$/.test(v)) return true;
  if (/^(?:abc)?(?:0?123456789?0?|0123456789abcdef)$/.test(v)) return true;
  // AWS and others mark documentation keys with EXAMPLE in capitals (wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY)
  if (value.includes('EXAMPLE')) return true;
  return PLACEHOLDER_WORD_RE.test(v);
}

/** References and indirections: `${VAR}`, `$VAR`, `$(cmd)`, Docker secrets files. */
function isReference(value: string): boolean {
  return /^\$|\$\{|\$\(|%\(|\{\{/.test(value) || value.includes('/run/secrets/');
}

const SENSITIVE_NAME = /PASSWORD|PASSWD|(?:^|_)PASS(?:$|_)|(?:^|_)PWD$|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|(?:^|_)AUTH(?:_?KEY)?$/;
const PASSWORD_NAME = /PASSWORD|PASSWD|(?:^|_)PASS(?:$|_)|(?:^|_)PWD$/;
/** Names that talk about a secret without holding one. */
const NON_SECRET_NAME =
  /(?:_FILE|_PATH|_DIR|_NAME|_ID|_LENGTH|_LEN|_TTL|_TIMEOUT|_EXPIRY|_EXPIRES|_EXPIRATION|_ENABLED|_REQUIRED|_HOST|_PORT|_USER|_USERNAME|_TYPE|_HEADER|_ENDPOINT|_URL|_URI|_FORMAT|_POLICY|_VERSION|_MIN|_MAX|_SIZE|_COUNT|_REGEX|_PATTERN|_FIELD|_PREFIX|_SUFFIX|_MODE|_METHOD|_ALGORITHM|_SOURCE|_PROVIDER|_KIND|_HASH_ROUNDS|_ARN|_ROLE|_ENCRYPTION|_HASHING|_CIPHER|NEXT_TOKEN|PAGE_TOKEN|PAGINATION_TOKEN|CONTINUATION_TOKEN|REQUEST_TOKEN|IDEMPOTENCY_TOKEN|_GENERATION)$/;

/** camelCase / dotted / dashed names to SCREAMING_SNAKE, so one set of patterns serves all. */
function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/**
 * Values that are code, a path, a format or a reference rather than a secret: identifiers and
 * dotted references (`self.password`, `getpass`, `PASSWORD`), numbers, paths, URLs without
 * credentials, `&which`, `::` and `->` chains, format strings (`%s`, `{0}`), ARNs. In program
 * source an unquoted value is an expression (`password = auth[2]`); quoted strings there are
 * literals, and so is everything in a shell script but `$VAR` (`PASSWORD=s3cr3t`).
 */
function valueLooksLikeCode(value: string, where?: AssignmentContext): boolean {
  if (/^[A-Za-z_.-]+$/.test(value) || /^\d+$/.test(value) || /^(?:\.{0,2}\/|~\/|[A-Za-z]:\\|[a-z]+:\/\/[^@]*$)/.test(value)) return true;
  if (/^[&:]|::|->|=>|%[sd]|%\(|\{\d*\}|^arn:|\w\[-?\d*\]/.test(value)) return true;
  // a list of choices in a comment or sample config: `true|false`, `scram-sha-256|md5`
  if (/^[\w.-]+(?:\|[\w.-]+)+$/.test(value)) return true;
  // in program source an unquoted value is an expression (`auth[2]`, `tok2`, `Buffer|string`)
  return where?.file === 'source' && !where.literal;
}

/** Where an assignment was found: the file's kind, and whether its value is a literal (quoted, or anything in a shell script). */
interface AssignmentContext {
  file: FileClass;
  literal: boolean;
}

/** Lowercase, uppercase, digits, other: how many kinds of character a value mixes. */
function characterClasses(v: string): number {
  return Number(/[a-z]/.test(v)) + Number(/[A-Z]/.test(v)) + Number(/[0-9]/.test(v)) + Number(/[^A-Za-z0-9]/.test(v));
}

interface RawMatch {
  rule: SecretRule;
  secret: string;
  start: number;
  end: number;
  /** where the secret itself starts and ends in the text */
  secretStart: number;
  secretEnd: number;
  /** what redact() hashes when it is not `secret` (a key's whole body, whitespace removed) */
  material?: string;
  name?: string;
  kind: string;
  title: string;
  severity: Severity;
  fixture?: FileContext['fixture'];
  note?: string;
}

const IDENT_CHAR = /[A-Za-z0-9_.-]/;

/** Text, or file bytes read as latin1 (same offsets): bytes become strings only where a regex reads them. */
type Source = string | Buffer;

function sliceOf(src: Source, a: number, b: number): string {
  return typeof src === 'string' ? (a === 0 && b === src.length ? src : src.slice(a, b)) : src.toString('latin1', a, b);
}

function tokenMatches(src: Source, rules: readonly SecretRule[], ctx: FileContext = UNKNOWN_CONTEXT, plan = planRules(rules, prefilterHits(src), src)): RawMatch[] {
  const found: RawMatch[] = [];
  if (!plan.any) return found;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!;
    const windows = plan.windows[r];
    if (!windows) continue;
    const starts = plan.starts[r];
    const re = starts ? stickyRegex(rule) : rule.regex;
    const seen = new Set<number>();
    let perRule = 0;
    const cursor = { next: 0 }; // index into starts
    for (let w = 0; w < windows.length; w += 2) {
      const a = windows[w]!;
      const b = windows[w + 1]!;
      const sub = sliceOf(src, a, b);
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = starts ? execAtStarts(re, sub, a, b, starts, cursor) : re.exec(sub)) !== null && perRule < MAX_MATCHES_PER_TEXT) {
        if (m[0].length === 0) re.lastIndex++;
        const start = a + m.index;
        if (seen.has(start)) continue;
        seen.add(start);
        const raw = acceptMatch(rule, src, sub, m, start, ctx);
        if (!raw) continue;
        found.push(raw);
        perRule++;
      }
    }
  }
  return found;
}

/**
 * A regex match (`m` in `sub`, at `start` in the text) as a finding, or undefined when it is a
 * placeholder, a reference, low-entropy, out of its rule's context (see SecretRule.inContext) or
 * fails the rule's validator or the assignment check. The file's context sets the severity.
 * Apart from tokenMatches' loop, which stays small: cheaper to optimize, on each thread.
 */
function acceptMatch(rule: SecretRule, src: Source, sub: string, m: RegExpExecArray, start: number, ctx: FileContext): RawMatch | undefined {
  const secret = m[rule.group] ?? m[0];
  let end = start + m[0].length;
  const secretStart = start + Math.max(0, m[0].lastIndexOf(secret));
  let raw: RawMatch;
  if (rule.assignment) {
    // the name: up to 64 identifier characters before the match
    const lo = Math.max(0, start - 64);
    const around = start - lo <= m.index ? sub.slice(m.index - (start - lo), m.index + m[0].length) : sliceOf(src, lo, end);
    let nameStart = start - lo;
    while (nameStart > 0 && IDENT_CHAR.test(around[nameStart - 1] ?? '')) nameStart--;
    const name = /^[^:=\s"']*/.exec(around.slice(nameStart))?.[0] ?? '';
    const before = m[0][m[0].length - secret.length - 1];
    const c = classifyAssignmentInner(name, secret, false, { file: ctx.class, literal: ctx.shell || before === '"' || before === "'" });
    if (!c) return undefined;
    raw = { rule, secret, start, end, secretStart, secretEnd: secretStart + secret.length, name, kind: c.kind, title: c.title, severity: c.severity };
  } else {
    if (isPlaceholder(secret) || isReference(secret)) return undefined;
    if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) return undefined;
    if (rule.inContext && !rule.inContext({ file: ctx, secret, match: m, lineBefore: lineBefore(src, start) })) return undefined;
    if (rule.validate && !rule.validate(secret, sub, m)) return undefined;
    raw = { rule, secret, start, end, secretStart, secretEnd: secretStart + secret.length, kind: rule.kind, title: rule.title, severity: rule.severity };
    if (rule.body) {
      const b = keyBody(src, secretStart);
      raw.material = b.material;
      raw.secretEnd = b.end;
      raw.end = end = Math.max(end, b.end);
    }
  }
  return inFile(raw, rule, ctx);
}

/** The severity, title and marks a match gets in its file (see docs/secrets.md, "Where a match is"). */
function inFile(raw: RawMatch, rule: SecretRule, ctx: FileContext): RawMatch {
  const contextRule = rule.assignment === true || rule.inContext !== undefined;
  if (ctx.fixture) {
    raw.fixture = ctx.fixture;
    raw.severity = lower(raw.severity, 'low');
  } else if (contextRule && ctx.docs) {
    raw.severity = lower(raw.severity, 'low');
  }
  if (ctx.installKey && (raw.kind === 'private-key' || raw.kind === 'openssh-private-key')) {
    // a real finding, but the image author's fix is at start-up, and it is not their credential leaking
    raw.title = ctx.installKey.title;
    raw.note = ctx.installKey.note;
    raw.severity = 'high';
  }
  return raw;
}

function lower(s: Severity, cap: Severity): Severity {
  return severityRank(s) > severityRank(cap) ? cap : s;
}

/** The text from the start of the line holding `at` up to `at` (at most 256 characters). */
function lineBefore(src: Source, at: number): string {
  const text = sliceOf(src, Math.max(0, at - 256), at);
  return text.slice(text.lastIndexOf('\n') + 1);
}

/** Longest key body read: an RSA 16384-bit PEM is ~12 KiB. */
const MAX_KEY_BODY = 16384;

/** A key block's base64 body from `from` to the END line: its characters without whitespace, and where it ends. */
function keyBody(src: Source, from: number): { material: string; end: number } {
  const text = sliceOf(src, from, Math.min(src.length, from + MAX_KEY_BODY));
  const body = /^(?:[A-Za-z0-9+/=]|\\n|\\r|\s)*/.exec(text)![0];
  // trailing whitespace belongs to the END line, not the key
  const trimmed = body.replace(/(?:\\n|\\r|\s)+$/, '');
  return { material: trimmed.replace(/\\[nr]|\s/g, ''), end: from + trimmed.length };
}

/** Keeps the first of overlapping matches in rule order (specific rules come first in the table). */
function dropOverlaps(found: RawMatch[]): RawMatch[] {
  const kept: RawMatch[] = [];
  for (const m of found) {
    if (kept.some((k) => m.start < k.end && k.start < m.end)) continue;
    kept.push(m);
    if (kept.length >= MAX_MATCHES_PER_TEXT) break;
  }
  return kept.sort((a, b) => a.start - b.start);
}

function toMatch(m: RawMatch, line?: number): SecretMatch {
  const out: SecretMatch = { kind: m.kind, title: m.title, severity: m.severity, redacted: redact(m.material ?? m.secret), start: m.start, end: m.end };
  if (line !== undefined) out.line = line;
  if (m.name) out.name = m.name;
  if (m.fixture) out.fixture = m.fixture;
  if (m.note) out.note = m.note;
  return out;
}

/** A finding by file name alone (shell histories), or undefined. */
export function classifyPath(path: string): SecretMatch | undefined {
  const base = posix.basename(path);
  if (HISTORY_FILE_NAMES.has(base)) {
    return { kind: 'shell-history', title: `Shell or REPL history file (${base})`, severity: 'medium', redacted: `[file ${base}]` };
  }
  return undefined;
}

/**
 * Scans text for secrets. Offsets are relative to `text`; lines are 1-based. With `path`,
 * file-name findings (shell histories) are added. Binary-looking input should be skipped by
 * the caller (see looksBinary).
 */
export function scanText(text: string, options: { path?: string } = {}): SecretMatch[] {
  const out: SecretMatch[] = [];
  if (options.path !== undefined) {
    const byName = classifyPath(options.path);
    if (byName) out.push(byName);
  }
  const ctx = fileContext(options.path, shebangOf(text));
  return [...out, ...withLines(text, dropOverlaps(tokenMatches(text, SECRET_RULES, ctx)))];
}

function withLines(src: Source, kept: RawMatch[]): SecretMatch[] {
  const out: SecretMatch[] = [];
  // lines by counting newlines once, up to each (sorted) match
  let line = 1;
  let pos = 0;
  for (const m of kept) {
    for (let i = newline(src, pos); i !== -1 && i < m.start; i = newline(src, i + 1)) {
      line++;
      pos = i + 1;
    }
    out.push(toMatch(m, line));
  }
  return out;
}

function newline(src: Source, from: number): number {
  return typeof src === 'string' ? src.indexOf('\n', from) : src.indexOf(0x0a, from);
}

/** Like scanText without line numbers or path findings: for chunked scanning of big files. */
export function scanChunk(text: string, options: { path?: string; context?: FileContext } = {}): SecretMatch[] {
  const ctx = options.context ?? fileContext(options.path, shebangOf(text));
  return dropOverlaps(tokenMatches(text, SECRET_RULES, ctx)).map((m) => toMatch(m));
}

/**
 * scanText / scanChunk for file contents as bytes (read as latin1): the keyword pass runs on
 * the bytes, and a string is made only when some keyword occurs. With `lines`, like scanText
 * (line numbers, path findings); without, like scanChunk.
 */
export function scanBytes(bytes: Buffer, options: { path?: string; lines?: boolean; context?: FileContext } = {}): SecretMatch[] {
  const out: SecretMatch[] = [];
  if (options.lines && options.path !== undefined) {
    const byName = classifyPath(options.path);
    if (byName) out.push(byName);
  }
  // keywords, anchors and windows on the bytes; strings only for the windows a regex reads
  const plan = planRules(SECRET_RULES, prefilterHits(bytes), bytes);
  if (!plan.any) return out;
  // the file's context (path and shebang) is only needed once some rule has a window
  const ctx = options.context ?? fileContext(options.path, shebangOf(bytes));
  const kept = dropOverlaps(tokenMatches(bytes, SECRET_RULES, ctx, plan));
  return options.lines ? [...out, ...withLines(bytes, kept)] : kept.map((m) => toMatch(m));
}

/** NUL bytes in the first 8 KiB: not text, so no text rules (what git and trivy do too). */
export function looksBinary(buf: Uint8Array): boolean {
  // indexOf is native (memchr for a Buffer): ~10x a JavaScript loop over the bytes; a view
  // (subarray) only for bigger buffers, most files are smaller
  return (buf.length <= 8192 ? buf : buf.subarray(0, 8192)).indexOf(0) !== -1;
}

/**
 * The text with every secret found in it replaced by its redacted form: for strings that are
 * shown whole (a history instruction, a command line).
 */
export function redactText(text: string): string {
  const kept = dropOverlaps(tokenMatches(text, SECRET_RULES));
  let out = '';
  let pos = 0;
  for (const m of kept) {
    if (m.secretStart < pos) continue;
    out += text.slice(pos, m.secretStart) + redact(m.material ?? m.secret);
    pos = m.secretEnd;
  }
  return out + text.slice(pos);
}

const VALUE_RULES = SECRET_RULES.filter((r) => !r.assignment);

function classifyAssignmentInner(name: string, value: string, valueRules: boolean, where?: AssignmentContext): SecretMatch | undefined {
  const v = value.trim().replace(/^(["'])(.*)\1$/, '$2');
  if (v.length === 0 || isReference(v)) return undefined;
  if (!valueRules && (valueLooksLikeCode(v, where) || isPlaceholder(v))) return undefined;
  const norm = normalizeName(name);
  if (norm.endsWith('_FILE')) return undefined;
  if (valueRules) {
    // a known token format is a secret whatever the variable is called
    const byValue = dropOverlaps(tokenMatches(v, VALUE_RULES))[0];
    if (byValue) return { ...toMatch(byValue), name };
  }
  if (!SENSITIVE_NAME.test(norm) || NON_SECRET_NAME.test(norm)) return undefined;
  if (isPlaceholder(v) || valueLooksLikeCode(v, where)) return undefined;
  const entropy = shannonEntropy(v);
  // program source mostly handles secrets; what it holds must look random, not like a word
  const source = where?.file === 'source';
  if (PASSWORD_NAME.test(norm)) {
    if (v.length < (source ? 8 : 6) || entropy < (source ? 2.5 : 2.0)) return undefined;
  } else if (v.length < (source ? 16 : 12) || entropy < 3.0) {
    return undefined;
  }
  if (source && characterClasses(v) < 2) return undefined;
  return {
    kind: 'generic-secret',
    title: `Secret-looking value assigned to ${name}`,
    // in source a real secret is usually a provider format (its own rule); a bare literal is a lead
    severity: source ? 'low' : 'medium',
    redacted: redact(v),
    name,
  };
}

/**
 * Decides whether `name=value` (an ENV/ARG/env var or a key in a config file) holds a secret:
 * first by the value's own format (tokens, keys), then by a sensitive name with an entropy
 * check. Never fires for *_FILE names, values under /run/secrets/, `${VAR}` references,
 * empty values or placeholders (changeme, xxx, <token>, your-token-here, example/dummy/test).
 */
export function classifyAssignment(name: string, value: string): SecretMatch | undefined {
  const m = classifyAssignmentInner(name, value, true);
  if (!m) return undefined;
  delete m.start;
  delete m.end;
  return m;
}
