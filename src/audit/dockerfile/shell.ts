import { parse as lexShell, type ParseEntry } from 'shell-quote';

/**
 * RUN shell text -> simple commands with their argv, redirections and data flow.
 *
 * Lexing (quotes, escapes, operators, comments) is shell-quote's; this file only groups its
 * tokens into commands. Why not sh-syntax (mvdan/sh in WASM): measured here at ~5 ms per RUN
 * (25 s for 5,000 RUNs, against a 1.5 s budget for 1,000 Dockerfiles), and its JSON AST drops
 * the command nodes we need. bash-parser (a full grammar) measured ~1.8 ms per RUN. shell-quote
 * lexes a typical RUN in tens of microseconds.
 */

export interface Redirect {
  op: string;
  target: string;
}

export interface ShellCommand {
  /** words as the shell would pass them (quotes removed, variables left as $NAME) */
  argv: string[];
  /** argv without leading VAR=value assignments and wrappers (sudo, env, exec, nice, ...) */
  name: string;
  args: string[];
  /** true when a wrapper in front of the command is sudo */
  viaSudo: boolean;
  redirects: Redirect[];
  /** commands whose output this one reads: `a | b`, `b <(a)`, `b "$(a)"`, `b -c "$(a)"` */
  inputsFrom: number[];
  /** index into the script's command list */
  index: number;
  /** 1-based offset of the line inside the script the command comes from (heredoc bodies) */
  lineOffset: number;
  /** inside ( ... ), $( ... ) or <( ... ): its cd or exit does not affect the RUN */
  nested: boolean;
}

export interface ShellScript {
  commands: ShellCommand[];
  /** true when any `|` joins two commands */
  hasPipe: boolean;
  /** `set -o pipefail` (or -eo pipefail / SHELL ["/bin/bash", "-o", "pipefail", ...]) is in effect */
  pipefail: boolean;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', 'for', 'case', 'esac', '!', '{', '}', 'in', 'time']);
const SEPARATORS = new Set([';', '&&', '||', '&', ';;', '\n']);
const REDIRECTS = new Set(['>', '>>', '<', '>&', '<&', '<<<', '<>', '>|', '&>', '&>>']);
const WRAPPERS = new Set(['sudo', 'env', 'exec', 'nice', 'nohup', 'command', 'builtin', 'time', 'xargs', 'doas', 'stdbuf', 'timeout']);
/** wrapper options that take a value, so the value is not mistaken for the command */
const WRAPPER_VALUE_OPTS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U']),
  nice: new Set(['-n']),
  timeout: new Set(['-s', '-k']),
  xargs: new Set(['-I', '-n', '-P', '-d', '-a', '-E', '-L', '-s']),
  env: new Set(['-u', '-C', '-S']),
};
export const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'busybox', '/bin/sh', '/bin/bash', '/usr/bin/env']);

function basename(word: string): string {
  const i = word.lastIndexOf('/');
  return i >= 0 ? word.slice(i + 1) : word;
}

function unwrap(argv: string[]): { name: string; args: string[]; viaSudo: boolean } {
  let i = 0;
  let viaSudo = false;
  while (i < argv.length) {
    const w = argv[i]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) {
      i++;
      continue;
    }
    const base = basename(w);
    if (!WRAPPERS.has(base)) break;
    if (base === 'sudo' || base === 'doas') viaSudo = true;
    i++;
    // skip the wrapper's own options (and their values), and timeout's duration
    while (i < argv.length && argv[i]!.startsWith('-')) {
      const opt = argv[i]!;
      i++;
      if (WRAPPER_VALUE_OPTS[base]?.has(opt)) i++;
      if (opt === '--') break;
    }
    if (base === 'timeout' && i < argv.length) i++;
  }
  const name = argv[i] === undefined ? '' : basename(argv[i]!);
  return { name, args: argv.slice(i + 1), viaSudo };
}

function tokenText(t: ParseEntry): string | undefined {
  if (typeof t === 'string') return t;
  if ('op' in t && t.op === 'glob') return (t as { pattern: string }).pattern;
  return undefined;
}

/** Command substitutions inside a quoted word: "$(curl x)" or `curl x`. */
function substitutions(word: string): string[] {
  const out: string[] = [];
  let i = word.indexOf('$(');
  while (i >= 0) {
    let depth = 1;
    let j = i + 2;
    for (; j < word.length && depth > 0; j++) {
      if (word[j] === '(') depth++;
      else if (word[j] === ')') depth--;
    }
    out.push(word.slice(i + 2, depth === 0 ? j - 1 : j));
    i = word.indexOf('$(', j);
  }
  const ticks = word.split('`');
  for (let k = 1; k < ticks.length; k += 2) out.push(ticks[k]!);
  return out;
}

const keepVariables = (key: string): string => `$${key}`;

interface Builder {
  commands: ShellCommand[];
  hasPipe: boolean;
  pipefail: boolean;
}

function newCommand(b: Builder, lineOffset: number, nested: boolean): ShellCommand {
  const c: ShellCommand = { argv: [], name: '', args: [], viaSudo: false, redirects: [], inputsFrom: [], index: b.commands.length, lineOffset, nested };
  b.commands.push(c);
  return c;
}

function finish(c: ShellCommand): void {
  Object.assign(c, unwrap(c.argv));
}

/** Groups one logical line's tokens into commands; nested substitutions and `sh -c` scripts recurse. */
function addLine(b: Builder, text: string, lineOffset: number, feeds: number | undefined, depth: number): void {
  let tokens: ParseEntry[];
  try {
    tokens = lexShell(text, keepVariables);
  } catch {
    // shell-quote throws on a few malformed inputs (e.g. a lone backslash); fall back to words
    tokens = text.split(/\s+/).filter(Boolean);
  }
  // stack of commands whose words are interrupted by a ( ... ) group
  const outer: Array<{ cmd: ShellCommand; substitution: boolean }> = [];
  let cmd = newCommand(b, lineOffset, depth > 0);
  if (feeds !== undefined) b.commands[feeds]!.inputsFrom.push(cmd.index);
  let pendingRedirect: string | undefined;
  let pipedFrom: number | undefined;
  const start = (): void => {
    finish(cmd);
    cmd = newCommand(b, lineOffset, depth > 0 || outer.length > 0);
    const into = outer.at(-1);
    if (into?.substitution) into.cmd.inputsFrom.push(cmd.index);
    if (feeds !== undefined && outer.length === 0) b.commands[feeds]!.inputsFrom.push(cmd.index);
    if (pipedFrom !== undefined) {
      cmd.inputsFrom.push(pipedFrom);
      pipedFrom = undefined;
    }
  };
  for (const t of tokens) {
    const word = tokenText(t);
    if (word !== undefined) {
      if (pendingRedirect) {
        cmd.redirects.push({ op: pendingRedirect, target: word });
        pendingRedirect = undefined;
        continue;
      }
      if (cmd.argv.length === 0 && RESERVED.has(word)) continue;
      cmd.argv.push(word);
      if (depth < 3) for (const inner of substitutions(word)) addLine(b, inner, lineOffset, cmd.index, depth + 1);
      continue;
    }
    if (typeof t === 'object' && 'comment' in t) break;
    const op = (t as { op: string }).op;
    if (SEPARATORS.has(op)) start();
    else if (op === '|' || op === '|&') {
      b.hasPipe = true;
      const from = cmd.index;
      start();
      cmd.inputsFrom.push(from);
    } else if (REDIRECTS.has(op)) {
      // "2>" arrives as the word "2" then ">": the digit is a file descriptor, not an argument
      if (/^\d$/.test(cmd.argv.at(-1) ?? '')) cmd.argv.pop();
      pendingRedirect = op;
    } else if (op === '(' || op === '<(' || op === '>(') {
      const substitution = op !== '(' || cmd.argv.at(-1) === '$';
      if (cmd.argv.at(-1) === '$') cmd.argv.pop();
      if (substitution) {
        outer.push({ cmd, substitution: true });
        cmd = newCommand(b, lineOffset, true);
        outer.at(-1)!.cmd.inputsFrom.push(cmd.index);
      } else {
        outer.push({ cmd, substitution: false });
        start();
      }
    } else if (op === ')') {
      finish(cmd);
      const back = outer.pop();
      if (back?.substitution) cmd = back.cmd;
      else start();
    }
  }
  finish(cmd);
  for (const o of outer) finish(o.cmd);
}

function stripEmpty(b: Builder): ShellCommand[] {
  // Renumber after dropping empty commands (from `;;`, trailing separators, reserved words).
  const keep = b.commands.filter((c) => c.argv.length > 0 || c.redirects.length > 0);
  const newIndex = new Map(keep.map((c, i) => [c.index, i]));
  return keep.map((c) => ({ ...c, index: newIndex.get(c.index)!, inputsFrom: c.inputsFrom.map((i) => newIndex.get(i)).filter((i): i is number => i !== undefined) }));
}

/**
 * Parses shell text: `lines` are logical lines (continuations already joined), each with its
 * 1-based offset in the instruction, so commands from heredoc bodies keep their own line.
 */
export function parseShell(lines: Array<{ text: string; offset: number }>, options: { pipefail?: boolean } = {}): ShellScript {
  // Monorepos repeat the same RUN lines across many Dockerfiles; scripts are read-only once built.
  const key = `${options.pipefail ? 1 : 0}\u0000${lines.map((l) => `${l.offset}\u0001${l.text}`).join('\u0000')}`;
  const cached = SCRIPT_CACHE.get(key);
  if (cached) return cached;
  const script = parseShellUncached(lines, options);
  if (SCRIPT_CACHE.size >= SCRIPT_CACHE_MAX) SCRIPT_CACHE.clear();
  SCRIPT_CACHE.set(key, script);
  return script;
}

const SCRIPT_CACHE = new Map<string, ShellScript>();
const SCRIPT_CACHE_MAX = 20_000;

function parseShellUncached(lines: Array<{ text: string; offset: number }>, options: { pipefail?: boolean }): ShellScript {
  const b: Builder = { commands: [], hasPipe: false, pipefail: options.pipefail ?? false };
  for (const line of lines) if (line.text.trim()) addLine(b, line.text, line.offset, undefined, 0);
  const commands = stripEmpty(b);
  // `sh -c 'script'`: the script is shell too; its commands are appended and feed the shell
  for (const c of [...commands]) {
    if (!SHELLS.has(c.name)) continue;
    const i = c.args.indexOf('-c');
    const script = i >= 0 ? c.args[i + 1] : undefined;
    // a script that is only a substitution was already expanded as one
    if (script === undefined || /^\s*(\$\(|`)/.test(script)) continue;
    const inner = parseShellUncached([{ text: script, offset: c.lineOffset }], {});
    const base = commands.length;
    for (const ic of inner.commands) {
      commands.push({ ...ic, nested: true, index: base + ic.index, inputsFrom: ic.inputsFrom.map((k) => base + k) });
      c.inputsFrom.push(base + ic.index);
    }
    b.hasPipe ||= inner.hasPipe;
  }
  const pipefail = b.pipefail || commands.some((c) => c.name === 'set' && (c.args.includes('pipefail') || c.args.some((a) => /^-[a-z]*o$/.test(a) && c.args.includes('pipefail'))));
  return { commands, hasPipe: b.hasPipe, pipefail };
}

/** Every command that (directly or through a chain) feeds its output into `c`. */
export function upstreamOf(script: ShellScript, c: ShellCommand): ShellCommand[] {
  const seen = new Set<number>();
  const out: ShellCommand[] = [];
  const walk = (k: number): void => {
    for (const i of script.commands[k]?.inputsFrom ?? []) {
      if (seen.has(i)) continue;
      seen.add(i);
      out.push(script.commands[i]!);
      walk(i);
    }
  };
  walk(c.index);
  return out;
}
