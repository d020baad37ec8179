import type { Severity } from '../model.js';
import type { FileContext } from './file-context.js';

/** What a context rule's inContext check reads about a match. */
export interface MatchContext {
  file: FileContext;
  /** the secret (the rule's capture group) */
  secret: string;
  match: RegExpExecArray;
  /** the text from the start of the match's line to the match, at most 256 characters */
  lineBefore: string;
}

/**
 * The secret rules, as data. Each rule is only tried when one of its keywords occurs in the
 * (lowercased) text: the keyword pass is one cheap scan, the regexes are not.
 *
 * `regex` must have the `g` flag; `group` names the capture holding the secret itself (what
 * gets redacted and checked against placeholders), 0 = the whole match.
 */
export interface SecretRule {
  /** stable machine name, part of finding fingerprints: never rename */
  kind: string;
  title: string;
  severity: Severity;
  /** lowercase literals; the rule runs when any occurs in the text (case-insensitively) */
  keywords: string[];
  regex: RegExp;
  group: number;
  /** minimum Shannon entropy (bits per char) of the secret */
  minEntropy?: number;
  /** extra check on the secret and the whole text (e.g. a JWT header that decodes to JSON) */
  validate?: (secret: string, text: string, match: RegExpExecArray) => boolean;
  /** generic rules hand their (name, value) to classifyAssignment instead of firing directly */
  assignment?: boolean;
  /**
   * Run the regex over the whole text when a keyword hits, not only around the hits: for
   * matches that can be long (a PuTTY key block) or a validator that reads the whole text.
   */
  wholeText?: boolean;
  /**
   * A necessary condition, read at each keyword hit (`end`: the offset just past the keyword,
   * in a string or in bytes read as latin1): false only when the regex cannot match starting
   * at that keyword, so the hit opens no window. Exact or looser than the regex, never
   * stricter; it needs every possible match to start at a keyword (all the regex's leading
   * alternatives are keywords, or `companions`). Lets most files skip the string conversion and
   * the regexes.
   */
  anchor?: (input: string | Uint8Array, end: number) => boolean;
  /**
   * Spellings the regex also accepts that are not keywords (`privateKey`): they open no window
   * of their own, but a keyword hit the anchor would drop keeps its window when one of them
   * (passing the anchor) lies in it, so the regex still finds there what it found before.
   */
  companions?: string[];
  /**
   * Every match starts at one of the keywords (as with an anchor, which implies it): the regex
   * is then tried only at the keyword hits, not at every position of its windows.
   */
  keywordFirst?: boolean;
  /**
   * A context rule: its pattern is also how code and prose talk about a secret, so a match counts
   * only where this says (the file's kind, the text before it). Context rules drop to low in
   * documentation; format rules (no inContext) fire in any file.
   */
  inContext?: (c: MatchContext) => boolean;
  /**
   * The secret is a key block's base64 body: the redacted hash covers all of it up to the END
   * line (not only the first line, which for OpenSSH keys is the same fixed header in every key).
   */
  body?: boolean;
}

/** The code unit at `i` (a byte, or a UTF-16 unit), -1 past the end. */
function unitAt(input: string | Uint8Array, i: number): number {
  if (i >= input.length) return -1;
  return typeof input === 'string' ? input.charCodeAt(i) : input[i]!;
}

/** `:` `@` `/` `"` `'` `<` `>` `(` `)` and ASCII whitespace: a subset of what ends `[^\s:@/"'<>()]` (so the check is never stricter). */
const URL_USER_END = new Uint8Array(256);
for (const c of '\t\n\v\f\r :@/"\'<>()') URL_USER_END[c.charCodeAt(0)] = 1;

/** After `://`: 1-64 user characters, then `:` (what `:\/\/[^\s:@/"'<>()]{1,64}:` needs). */
function urlCredentialsAnchor(input: string | Uint8Array, end: number): boolean {
  if (typeof input !== 'string') {
    // the byte path (file contents, most calls): one bounds check instead of one per unit
    const stop = Math.min(input.length, end + 65);
    for (let i = end; i < stop; i++) {
      const c = input[i]!;
      if (c === 0x3a /* : */) return i > end;
      if (URL_USER_END[c] === 1) return false;
    }
    return false;
  }
  for (let k = 0; k <= 64; k++) {
    const c = unitAt(input, end + k);
    if (c === 0x3a /* : */) return k >= 1;
    if (c < 0 || (c < 256 && URL_USER_END[c] === 1)) return false;
  }
  return false;
}

/** `[A-Za-z0-9_.-]` */
function isIdentUnit(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e || c === 0x2d;
}

/** After the keyword: `[A-Za-z0-9_.-]*["']?[ \t]*[:=]` (greedy is exact: none of these classes overlap). */
function assignmentAnchor(input: string | Uint8Array, end: number): boolean {
  let i = end;
  while (isIdentUnit(unitAt(input, i))) i++;
  let c = unitAt(input, i);
  if (c === 0x22 || c === 0x27) c = unitAt(input, ++i);
  while (c === 0x20 || c === 0x09) c = unitAt(input, ++i);
  return c === 0x3a || c === 0x3d;
}

function base64Decode(s: string): string {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
}

function isJwt(token: string): boolean {
  const [header, payload] = token.split('.');
  if (!header || !payload) return false;
  try {
    const h = JSON.parse(base64Decode(header)) as unknown;
    const p = JSON.parse(base64Decode(payload)) as unknown;
    return typeof h === 'object' && h !== null && 'alg' in h && typeof p === 'object' && p !== null;
  } catch {
    return false;
  }
}

/** A docker config `auth` is base64("user:password"). */
function isDockerAuth(value: string): boolean {
  const decoded = base64Decode(value);
  const colon = decoded.indexOf(':');
  return colon > 0 && colon < decoded.length - 1 && /^[\x20-\x7e]+$/.test(decoded);
}

/**
 * npm config syntax: the file is an npmrc, or the key follows a `//registry/path/:` scope (npm's
 * per-registry form, anywhere on the line: `echo "//r.example/:_authToken=..." > .npmrc`), or it
 * starts the line outside program source. `self._password = password` (Python) and
 * `b._poly1305_auth=function` (minified JavaScript) are neither.
 */
function npmrcContext(c: MatchContext): boolean {
  if (c.file.npmrc) return true;
  if (/\/\/[^\s"'=]*\/:$/.test(c.lineBefore)) return true;
  return c.file.class !== 'source' && /^[ \t]*$/.test(c.lineBefore);
}

/** Passwords that documentation writes in example URLs (beside isPlaceholder's words). */
const EXAMPLE_URL_PASSWORDS = new Set(['pw', 'pwd', 'xyz', 'qwer', 'qwerty', 'hunter2', 'p@ss', 'p@ssw0rd', 'passw0rd', 'mypass', 'mypassword', 'pass123', 'secret1', '1234', '12345', '123456']);
/** Hosts reserved for documentation (RFC 2606, RFC 6761) and the words docs put where a host goes. */
const EXAMPLE_HOST = /(?:^|\.)(?:example\.(?:com|net|org)|example|test|invalid)$|^(?:host|hostname|server|domain|yourdomain\.com|domain\.com)$/i;
/** A variable's name standing where the password goes: `password`, `PASSWORD`, `db_pass`, `pw`. */
const VARIABLE_PASSWORD = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SENSITIVE_WORD = /pass|pwd|^pw$|secret|token|key|auth|cred/i;

function percentDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * A URL's password counts when it is a literal: not a format (`%s`), a template (`{password}`,
 * `${VAR}`, excluded by the regex), a concatenation (`' + pw + '`, quotes end the match), a
 * variable's name, a documentation placeholder (`user:pass@`, `foo:bar@`, `abc:xyz@`) or a URL
 * on a host reserved for examples (`example.com`).
 */
function urlCredentialsContext(c: MatchContext): boolean {
  const raw = c.secret;
  if (/%[sdr]|%\(/.test(raw)) return false;
  const password = percentDecode(raw);
  if (VARIABLE_PASSWORD.test(password) && SENSITIVE_WORD.test(password)) return false;
  if (EXAMPLE_URL_PASSWORDS.has(password.toLowerCase())) return false;
  const whole = c.match[0];
  const host = whole.slice(whole.lastIndexOf('@') + 1).replace(/\.$/, '');
  return !EXAMPLE_HOST.test(host);
}

/** Order matters: an earlier rule wins when two matches overlap (specific before generic). */
export const SECRET_RULES: readonly SecretRule[] = [
  {
    kind: 'gcp-service-account-key',
    title: 'GCP service account key (JSON with private_key and client_email)',
    severity: 'critical',
    keywords: ['"private_key"'],
    regex: /"private_key"\s*:\s*"(-----BEGIN[^"]{32,})"/g,
    group: 1,
    wholeText: true,
    validate: (_s, text) => text.includes('"client_email"'),
  },
  {
    kind: 'private-key',
    title: 'Private key (PEM)',
    severity: 'critical',
    keywords: ['private key-----'],
    regex: /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED |PGP )?)PRIVATE KEY(?: BLOCK)?-----(?:\\n|\s)*([A-Za-z0-9+/=]{24,})/g,
    group: 2,
    body: true,
  },
  {
    kind: 'openssh-private-key',
    title: 'Private key (OpenSSH)',
    severity: 'critical',
    keywords: ['begin openssh private key'],
    regex: /-----BEGIN OPENSSH PRIVATE KEY-----(?:\\n|\s)*([A-Za-z0-9+/=]{24,})/g,
    group: 1,
    body: true,
  },
  {
    kind: 'putty-private-key',
    title: 'Private key (PuTTY .ppk)',
    severity: 'critical',
    keywords: ['putty-user-key-file-'],
    regex: /PuTTY-User-Key-File-[23]: [^\r\n]{1,64}[\s\S]{0,4096}?Private-Lines: \d+\r?\n([A-Za-z0-9+/=]{16,})/g,
    group: 1,
    wholeText: true,
  },
  {
    kind: 'aws-access-key-id',
    title: 'AWS access key id',
    severity: 'high',
    keywords: ['akia', 'asia'],
    regex: /(?<![A-Z0-9])((?:AKIA|ASIA)[A-Z2-7]{16})(?![A-Z0-9])/g,
    group: 1,
  },
  {
    kind: 'aws-secret-access-key',
    title: 'AWS secret access key',
    severity: 'critical',
    keywords: ['secret_access_key', 'secretaccesskey', 'aws_secret', 'secret-access-key'],
    regex: /(?:aws_?secret_?(?:access_?)?key|secret[_-]?access[_-]?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
    group: 1,
    minEntropy: 3.5,
  },
  {
    kind: 'azure-storage-account-key',
    title: 'Azure storage account key',
    severity: 'critical',
    keywords: ['accountkey='],
    regex: /AccountKey=([A-Za-z0-9+/]{86}==)/g,
    group: 1,
  },
  {
    kind: 'github-token',
    title: 'GitHub token',
    severity: 'high',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    regex: /(?<![A-Za-z0-9_])((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])/g,
    group: 1,
  },
  {
    kind: 'github-fine-grained-token',
    title: 'GitHub fine-grained personal access token',
    severity: 'high',
    keywords: ['github_pat_'],
    regex: /(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9_]{50,255})/g,
    group: 1,
  },
  {
    kind: 'gitlab-token',
    title: 'GitLab personal access token',
    severity: 'high',
    keywords: ['glpat-'],
    regex: /(?<![A-Za-z0-9_-])(glpat-[A-Za-z0-9_-]{20,64})/g,
    group: 1,
  },
  {
    kind: 'slack-token',
    title: 'Slack token',
    severity: 'high',
    keywords: ['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-'],
    regex: /(?<![A-Za-z0-9])(xox[abposr]-[0-9]{6,}-[A-Za-z0-9-]{8,})/g,
    group: 1,
  },
  {
    kind: 'stripe-live-key',
    title: 'Stripe live secret key',
    severity: 'high',
    keywords: ['sk_live_', 'rk_live_'],
    regex: /(?<![A-Za-z0-9])((?:sk|rk)_live_[A-Za-z0-9]{20,247})/g,
    group: 1,
  },
  {
    // Google API keys (Maps, YouTube, Firebase, ...): "AIza" and 35 URL-safe base64 characters
    kind: 'google-api-key',
    title: 'Google API key',
    severity: 'high',
    keywords: ['aiza'],
    regex: /(?<![A-Za-z0-9_-])(AIza[0-9A-Za-z_-]{35})(?![A-Za-z0-9_-])/g,
    group: 1,
    minEntropy: 3.5,
  },
  {
    kind: 'npm-token',
    title: 'npm access token',
    severity: 'high',
    keywords: ['npm_'],
    regex: /(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
    group: 1,
  },
  {
    kind: 'pypi-token',
    title: 'PyPI upload token',
    severity: 'high',
    keywords: ['pypi-ageichlwas5vcmc'],
    regex: /(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})/g,
    group: 1,
  },
  {
    kind: 'npmrc-auth-token',
    title: '.npmrc registry credential (_authToken / _auth / _password)',
    severity: 'high',
    keywords: ['_authtoken', '_auth', '_password'],
    regex: /_(?:authToken|auth|password)\s*=\s*["']?([^\s"'$][^\s"']{7,})/g,
    group: 1,
    keywordFirst: true,
    inContext: npmrcContext,
  },
  {
    kind: 'docker-config-auth',
    title: 'Docker registry credential (config.json auths)',
    severity: 'high',
    keywords: ['"auth"'],
    regex: /"auth"\s*:\s*"([A-Za-z0-9+/=]{8,})"/g,
    group: 1,
    validate: (secret) => isDockerAuth(secret),
  },
  {
    kind: 'kubeconfig-client-key',
    title: 'Kubernetes client key (kubeconfig client-key-data)',
    severity: 'critical',
    keywords: ['client-key-data'],
    regex: /client-key-data:\s*["']?([A-Za-z0-9+/=]{40,})/g,
    group: 1,
  },
  {
    kind: 'kubeconfig-token',
    title: 'Kubernetes bearer token (kubeconfig token)',
    severity: 'high',
    keywords: ['token:'],
    // literal first (a leading ^[ \t-]* is tried at every position); the line start is checked in validate
    regex: /token:[ \t]*["']?([A-Za-z0-9._~+/=-]{20,})["']?[ \t]*$/gm,
    group: 1,
    minEntropy: 3.5,
    validate: (_s, text, m) => /(?:^|\n)[ \t-]*$/.test(text.slice(Math.max(0, m.index - 64), m.index)),
  },
  {
    kind: 'jwt',
    title: 'JWT bearer token',
    severity: 'medium',
    keywords: ['eyj'],
    regex: /(?<![A-Za-z0-9_-])(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/g,
    group: 1,
    validate: (secret) => isJwt(secret),
  },
  {
    kind: 'url-credentials',
    title: 'URL with embedded credentials (e.g. .git-credentials)',
    severity: 'high',
    keywords: ['://'],
    // starts with the literal so the regex engine can skip ahead; the scheme is not needed
    regex: /:\/\/[^\s:@/"'<>()]{1,64}:([^\s@/"'<>(){}$]{3,128})@[A-Za-z0-9.-]+/g,
    group: 1,
    anchor: urlCredentialsAnchor,
    inContext: urlCredentialsContext,
  },
  {
    // Generic: a sensitive-looking name assigned a value; classifyAssignment decides.
    kind: 'generic-secret',
    title: 'Secret-looking assignment',
    severity: 'medium',
    keywords: ['password', 'passwd', 'secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'private_key', 'credential'],
    // with the keywords, every spelling the regex's leading alternation accepts (see anchor)
    companions: ['access-key', 'accesskey', 'private-key', 'privatekey'],
    // keyword first (a leading [A-Za-z_]* backtracks quadratically); the full name is read backwards
    regex: /(?:password|passwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]*["']?[ \t]*[:=][ \t]*["']?([^\s"'`,;(){}<>]{4,200})/gi,
    group: 1,
    assignment: true,
    anchor: assignmentAnchor,
  },
];

/** Shell and REPL history files: a finding by their presence (they routinely hold typed secrets). */
export const HISTORY_FILE_NAMES: ReadonlySet<string> = new Set([
  '.bash_history',
  '.zsh_history',
  '.sh_history',
  '.ash_history',
  '.history',
  '.python_history',
  '.mysql_history',
  '.psql_history',
  '.node_repl_history',
  '.rediscli_history',
  '.lesshst',
]);
